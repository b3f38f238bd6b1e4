package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.MapInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the kernel says about an object that would change if an fd or a pin now held another object
 * than the one recorded: its type and kernel name, and a map's geometry or a program's tag.
 *
 * @param map null for programs
 * @param programTag null for maps
 */
record KernelFingerprint(String type, String name, MapGeometry map, String programTag) {

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
        if (object instanceof BpfMap map) {
            MapInfo info = map.info();
            geometry = new MapGeometry(info.keySize(), info.valueSize(), info.maxEntries(), info.flags());
        } else if (object instanceof BpfProgram program) {
            tag = program.info().tag();
        }
        return new KernelFingerprint(object.typeName(), object.name(), geometry, tag);
    }

    /** How {@code actual} differs from this recorded fingerprint, such as "type hash, recorded array"; empty when equal. */
    List<String> differences(KernelFingerprint actual) {
        List<String> differences = new ArrayList<>();
        compare(differences, "type", type, actual.type);
        compare(differences, "name", name, actual.name);
        compare(differences, "geometry", map, actual.map);
        compare(differences, "tag", programTag, actual.programTag);
        return differences;
    }

    private static void compare(List<String> differences, String what, Object recorded, Object actual) {
        if (!Objects.equals(recorded, actual)) {
            differences.add(what + " " + actual + ", recorded " + recorded);
        }
    }
}
