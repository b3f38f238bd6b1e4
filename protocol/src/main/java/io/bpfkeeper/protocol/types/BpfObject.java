package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The IDL type {@code Object}: an object the daemon owns. Renamed in Java so
 * that it does not shadow {@link java.lang.Object}.
 *
 * @param id the kernel id: the public handle, as in bpftool
 * @param type bpftool's name for the map, program or link type, such as {@code hash} or {@code xdp};
 *     {@code tc} for tc filters
 * @param pins absolute paths of the pins that the daemon made or adopted
 * @param createdAt when the daemon took ownership, in RFC 3339 format
 * @param map present for maps only
 * @param program present for programs only
 * @param link present for links only
 * @param attachment present for attachments only
 * @param lost why the daemon could not take this object back after a restart; null for owned objects
 * @param unrecorded set when systemd's fd store handed this object back without a journal record of
 *     it, saying so and whose it was; root owns it. Null for every other object
 * @param notInFdStore set on an unpinned daemon-lifetime object that systemd's fd store has no entry
 *     for, saying why; it will not survive a restart of the daemon. Null for every other object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BpfObject(
        Kind kind,
        long id,
        String name,
        String type,
        Lifetime lifetime,
        Owner owner,
        List<String> pins,
        Map<String, String> labels,
        String createdAt,
        MapProperties map,
        ProgramProperties program,
        LinkProperties link,
        AttachmentProperties attachment,
        String lost,
        String unrecorded,
        String notInFdStore) {

    /** An owned map or program: an object that is neither a link, an attachment nor lost. */
    public BpfObject(Kind kind, long id, String name, String type, Lifetime lifetime, Owner owner, List<String> pins,
            Map<String, String> labels, String createdAt, MapProperties map, ProgramProperties program) {
        this(kind, id, name, type, lifetime, owner, pins, labels, createdAt, map, program, null, null, null, null,
                null);
    }

    /** An owned or lost object that systemd's fd store did not hand back without a record. */
    public BpfObject(Kind kind, long id, String name, String type, Lifetime lifetime, Owner owner, List<String> pins,
            Map<String, String> labels, String createdAt, MapProperties map, ProgramProperties program,
            LinkProperties link, AttachmentProperties attachment, String lost) {
        this(kind, id, name, type, lifetime, owner, pins, labels, createdAt, map, program, link, attachment, lost,
                null, null);
    }
}
