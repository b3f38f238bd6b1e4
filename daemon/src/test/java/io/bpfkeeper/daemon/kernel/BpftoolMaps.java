package io.bpfkeeper.daemon.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.Bpftool;
import java.util.ArrayList;
import java.util.List;

/**
 * bpftool reading and writing map contents by id: the independent side of every check that a value
 * written through {@link BpfMap} is the value in the kernel, and the other way round.
 */
final class BpftoolMaps {

    private BpftoolMaps() {
    }

    /** {@code bpftool map update id ID key hex .. value hex ..}; a per-CPU value goes to every CPU. */
    static void update(int id, byte[] key, byte[] value) {
        List<String> args = new ArrayList<>(List.of("map", "update", "id", Integer.toString(id), "key", "hex"));
        args.addAll(Bpftool.hexBytes(key));
        args.add("value");
        args.add("hex");
        args.addAll(Bpftool.hexBytes(value));
        Bpftool.json(args.toArray(String[]::new));
    }

    /** Each CPU's value under {@code key} of a per-CPU map, in CPU order, unpadded. */
    static List<byte[]> perCpuLookup(int id, byte[] key) {
        List<String> args = new ArrayList<>(List.of("map", "lookup", "id", Integer.toString(id), "key", "hex"));
        args.addAll(Bpftool.hexBytes(key));
        List<byte[]> values = new ArrayList<>();
        for (JsonNode cpu : Bpftool.json(args.toArray(String[]::new)).get("values")) {
            values.add(bytes(cpu.get("value")));
        }
        return values;
    }

    /** Every entry of the map, as bpftool dumps it: objects with "key" and "value" byte arrays. */
    static JsonNode dump(int id) {
        return Bpftool.json("map", "dump", "id", Integer.toString(id));
    }

    /** Takes the oldest value out of a queue map. */
    static byte[] dequeue(int id) {
        return bytes(Bpftool.json("map", "dequeue", "id", Integer.toString(id)).get("value"));
    }

    /** A byte array as bpftool prints it: ["0x2a", ...]. */
    static byte[] bytes(JsonNode hexArray) {
        byte[] bytes = new byte[hexArray.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hexArray.get(i).asText().substring(2), 16);
        }
        return bytes;
    }
}
