package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The IDL type {@code SystemObject}: an object on the host, whether bpfkeeper owns it or not.
 *
 * @param name empty for links, which have no name
 * @param type bpftool's name for the map, program or link type
 * @param owner present when bpfkeeper owns it
 * @param lifetime present when bpfkeeper owns it
 * @param mapIds programs only: the maps they use
 * @param createdByUid programs only: the uid that loaded them
 * @param programId links only: the program they hold
 * @param target links only: where they are attached
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SystemObject(Kind kind, long id, String name, String type, boolean owned, Owner owner,
        Lifetime lifetime, List<Long> mapIds, Long createdByUid, Long programId, String target) {
}
