package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the kernel says about an object that would change if an fd or a pin now held another object
 * than the one recorded: its type and kernel name, and a map's geometry, a program's tag, or the
 * program a link holds. A link holds its program for its whole life, so the program's id stays
 * across restarts of the daemon, and it tells a link from a later one that got the same id.
 *
 * @param name the kernel's name; for a link, its program's name as the client knows it; null for
 *     an attachment, which has none
 * @param map null but for maps
 * @param programTag null but for programs
 * @param programId the program a link or an attachment holds; null for maps and programs
 */
record KernelFingerprint(String type, String name, MapGeometry map, String programTag, Integer programId) {

    /** A map's key and value sizes, capacity and BPF_F_* flags. */
    record MapGeometry(int keySize, int valueSize, int maxEntries, int flags) {

        @Override
        public String toString() {
            return "key " + keySize + " B, value " + valueSize + " B, " + maxEntries + " entries, flags " + flags;
        }
    }

    static KernelFingerprint of(KernelObject object) {
        MapGeometry geometry = null;
        String tag = null;
        Integer programId = null;
        if (object instanceof BpfMap map) {
            MapInfo info = map.info();
            geometry = new MapGeometry(info.keySize(), info.valueSize(), info.maxEntries(), info.flags());
        } else if (object instanceof BpfProgram program) {
            tag = program.info().tag();
        } else if (object instanceof BpfLink link) {
            programId = link.programId();
        }
        return new KernelFingerprint(object.typeName(), object.name(), geometry, tag, programId);
    }

    /** An attachment has no fd: a start finds it by its place and checks the program there. */
    static KernelFingerprint ofAttachment(Attachment attachment) {
        return new KernelFingerprint(attachment.typeName(), null, null, null, attachment.programId());
    }

    /** How {@code actual} differs from this recorded fingerprint, such as "type hash, recorded array"; empty when equal. */
    List<String> differences(KernelFingerprint actual) {
        List<String> differences = new ArrayList<>();
        compare(differences, "type", type, actual.type);
        compare(differences, "name", name, actual.name);
        compare(differences, "geometry", map, actual.map);
        compare(differences, "tag", programTag, actual.programTag);
        compare(differences, "program", programId, actual.programId);
        return differences;
    }

    private static void compare(List<String> differences, String what, Object recorded, Object actual) {
        if (!Objects.equals(recorded, actual)) {
            differences.add(what + " " + actual + ", recorded " + recorded);
        }
    }
}
