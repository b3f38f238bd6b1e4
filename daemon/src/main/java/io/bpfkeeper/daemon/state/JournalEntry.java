package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The journal's record of one daemon-lifetime object: what the daemon knows that the kernel does not
 * (owner, labels, pins, when), and the kernel's fingerprint to check a recovered fd or pin against.
 *
 * @param createdAt RFC 3339, as the Varlink interface shows it
 * @param pins absolute paths
 */
record JournalEntry(Kind kind, int id, String name, String type, Owner owner, Map<String, String> labels,
        String createdAt, List<String> pins, KernelFingerprint kernel) {

    static JournalEntry of(OwnedObject object) {
        return new JournalEntry(object.kind(), object.id(), object.name(), object.type(), object.owner(),
                object.labels(), object.createdAt().toString(), object.pins().stream().map(Path::toString).toList(),
                KernelFingerprint.of(object.kernelObject()));
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
        return key() + " (" + name + ")";
    }
}
