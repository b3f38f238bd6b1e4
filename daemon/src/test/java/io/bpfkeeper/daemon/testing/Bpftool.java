package io.bpfkeeper.daemon.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * bpftool as the tests' independent view of kernel state: what the daemon
 * claims is checked against what bpftool reads from the kernel.
 *
 * <p>Shapes of bpftool 7.1's JSON, for reading the results:
 * <pre>
 * map show   {"id":25,"type":"array","name":"counter","flags":0,"bytes_key":4,"bytes_value":8,
 *             "max_entries":1,"bytes_memlock":320,"frozen":0,"btf_id":31}
 * prog show  {"id":114,"type":"xdp","name":"xdp_count","tag":"0afa56fcd9325709","gpl_compatible":true,
 *             "loaded_at":1795671846,"uid":0,"bytes_xlated":144,"jited":true,"bytes_jited":94,
 *             "bytes_memlock":4096,"map_ids":[28],"btf_id":31}
 * map lookup {"key":["0x00","0x00","0x00","0x00"],"value":["0x03","0x00",...],"formatted":{"key":0,"value":3}}
 * prog run   {"retval":2,"duration":377}
 * </pre>
 * Commands that only act (map create, map update, prog loadall) print {@code null}. "formatted"
 * appears only for maps with BTF.
 */
public final class Bpftool {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bpftool() {}

    /**
     * Runs {@code bpftool -j ARGS} and returns what it printed.
     *
     * @throws Processes.CommandFailedException if bpftool fails; the message has its error
     */
    public static JsonNode json(String... args) {
        return run(new ArrayList<>(), args);
    }

    /** Like {@link #json}, in the network namespace of process {@code pid} (for {@code net show}, say). */
    public static JsonNode jsonInNetnsOf(long pid, String... args) {
        return run(new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n")), args);
    }

    private static JsonNode run(List<String> command, String... args) {
        command.addAll(List.of("bpftool", "-j"));
        command.addAll(List.of(args));
        String output = Processes.run(TIMEOUT, command).requireSuccess().stdout();
        try {
            return JSON.readTree(output);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bpftool printed something other than JSON: " + output, e);
        }
    }

    /**
     * Creates a one-entry array map with 4-byte keys and 8-byte values, pinned
     * at {@code pin}, and returns its id: the cheapest real object to test with.
     *
     * @param name the map's name, at most 15 characters
     */
    public static int createPinnedArrayMap(Path pin, String name) {
        json("map", "create", pin.toString(), "type", "array", "key", "4", "value", "8", "entries", "1",
                "name", name);
        return json("map", "show", "pinned", pin.toString()).get("id").asInt();
    }

    /** {@code bpftool map show id ID}. */
    public static JsonNode mapShow(int id) {
        return json("map", "show", "id", Integer.toString(id));
    }

    /** {@code bpftool prog show id ID}. */
    public static JsonNode progShow(int id) {
        return json("prog", "show", "id", Integer.toString(id));
    }

    /** {@code bpftool link show id ID}. */
    public static JsonNode linkShow(int id) {
        return json("link", "show", "id", Integer.toString(id));
    }

    /** {@code bpftool cgroup show PATH}: the programs attached to a cgroup directly. */
    public static JsonNode cgroupShow(Path cgroup) {
        return json("cgroup", "show", cgroup.toString());
    }

    /**
     * The value stored under {@code key} in map {@code id}, as raw bytes.
     *
     * @throws Processes.CommandFailedException if there is no such map or key
     */
    public static byte[] mapLookup(int id, byte[] key) {
        List<String> args = new ArrayList<>(List.of("map", "lookup", "id", Integer.toString(id), "key", "hex"));
        args.addAll(hexBytes(key));
        JsonNode value = json(args.toArray(String[]::new)).get("value");
        byte[] bytes = new byte[value.size()];
        for (int i = 0; i < bytes.length; i++) {
            // Each byte is printed as "0x2a".
            bytes[i] = (byte) Integer.parseInt(value.get(i).asText().substring(2), 16);
        }
        return bytes;
    }

    /** {@code bytes} as bpftool's "hex" arguments take them: one two-digit word per byte. */
    public static List<String> hexBytes(byte[] bytes) {
        HexFormat hex = HexFormat.of();
        List<String> words = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            words.add(hex.toHexDigits(b));
        }
        return words;
    }
}
