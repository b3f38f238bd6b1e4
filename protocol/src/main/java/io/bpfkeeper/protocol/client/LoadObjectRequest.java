package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.ProgramOptions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of {@code io.bpfkeeper.LoadObject}. Start from {@link #of} with the object's bytes
 * and add options with the {@code with} methods; each returns a new request.
 *
 * @param elf the object file, base64
 * @param globals initial values of global variables, hex, by name
 * @param reuseMaps owned map ids by the name of the object's map they replace
 * @param pins pin paths by program or map name
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LoadObjectRequest(
        String name,
        String elf,
        Lifetime lifetime,
        Map<String, ProgramOptions> programs,
        Map<String, String> globals,
        Map<String, Long> reuseMaps,
        Map<String, String> pins,
        Map<String, String> labels) {

    public static LoadObjectRequest of(String name, byte[] elf) {
        return new LoadObjectRequest(name, Base64.getEncoder().encodeToString(elf), null, Map.of(), Map.of(),
                Map.of(), Map.of(), Map.of());
    }

    public LoadObjectRequest withLifetime(Lifetime newLifetime) {
        return new LoadObjectRequest(name, elf, newLifetime, programs, globals, reuseMaps, pins, labels);
    }

    public LoadObjectRequest withProgram(String program, ProgramOptions options) {
        return new LoadObjectRequest(name, elf, lifetime, with(programs, program, options), globals, reuseMaps, pins,
                labels);
    }

    /** @param hex the value in the kernel's byte order */
    public LoadObjectRequest withGlobal(String variable, String hex) {
        return new LoadObjectRequest(name, elf, lifetime, programs, with(globals, variable, hex), reuseMaps, pins,
                labels);
    }

    public LoadObjectRequest withReusedMap(String map, long ownedMapId) {
        return new LoadObjectRequest(name, elf, lifetime, programs, globals, with(reuseMaps, map, ownedMapId), pins,
                labels);
    }

    public LoadObjectRequest withPin(String programOrMap, String path) {
        return new LoadObjectRequest(name, elf, lifetime, programs, globals, reuseMaps, with(pins, programOrMap, path),
                labels);
    }

    public LoadObjectRequest withLabels(Map<String, String> newLabels) {
        return new LoadObjectRequest(name, elf, lifetime, programs, globals, reuseMaps, pins, newLabels);
    }

    private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
        Map<String, V> copy = new LinkedHashMap<>(map);
        copy.put(key, value);
        return copy;
    }
}
