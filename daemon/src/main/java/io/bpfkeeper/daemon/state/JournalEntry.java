package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.daemon.registry.Unrecorded;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The journal's record of one daemon-lifetime object: what the daemon knows that the kernel does not
 * (owner, labels, pins, when, and where a link or an attachment is attached), and the kernel's
 * fingerprint to check a recovered fd, pin or attachment against.
 *
 * @param id the kernel's id; for an attachment, the one the daemon gave it
 * @param createdAt RFC 3339, as the Varlink interface shows it
 * @param pins absolute paths
 * @param target where a link or an attachment is attached; null for maps and programs, for the links
 *     of a version 1 journal, which did not record it, and for an unrecorded link, of which nothing says
 * @param unrecorded set for an object that systemd's fd store handed back once without a record, so
 *     that it stays marked as such; null otherwise, and in journals of older daemons
 */
record JournalEntry(Kind kind, int id, String name, String type, Owner owner, Map<String, String> labels,
        String createdAt, List<String> pins, KernelFingerprint kernel, JournalTarget target, Unrecorded unrecorded) {

    /** The record of an object that was recorded from the start. */
    JournalEntry(Kind kind, int id, String name, String type, Owner owner, Map<String, String> labels,
            String createdAt, List<String> pins, KernelFingerprint kernel, JournalTarget target) {
        this(kind, id, name, type, owner, labels, createdAt, pins, kernel, target, null);
    }

    static JournalEntry of(OwnedObject object) {
        KernelFingerprint kernel;
        Unrecorded unrecorded;
        if (object instanceof OwnedObject.KernelHeld held) {
            kernel = KernelFingerprint.ofAttachment(held.attachment());
            unrecorded = null;
        } else {
            OwnedObject.FdHeld held = object.fdHeld();
            kernel = KernelFingerprint.of(held.kernelObject());
            unrecorded = held.unrecorded();
        }
        return new JournalEntry(object.kind(), object.id(), object.name(), object.type(), object.owner(),
                object.labels(), object.createdAt().toString(), object.pins().stream().map(Path::toString).toList(),
                kernel, JournalTarget.of(object), unrecorded);
    }

    ObjectKey key() {
        return new ObjectKey(kind, id);
    }

    /** Whether every field a recovery needs is there; a record without them makes the journal unreadable. */
    boolean complete() {
        return kind != null && name != null && type != null && owner != null && labels != null && createdAt != null
                && pins != null && kernel != null;
    }

    @Override
    public String toString() {
        return key() + " (" + LogText.escape(name) + ")";
    }
}
