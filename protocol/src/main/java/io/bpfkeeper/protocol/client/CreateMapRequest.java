package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.Map;

/**
 * The parameters of {@code io.bpfkeeper.CreateMap}. Start from {@link #of}
 * with the required ones and add optional ones with the {@code with}
 * methods; {@code null} leaves a parameter out.
 *
 * @param type bpftool's map type name, such as {@code hash} or {@code percpu_array}
 * @param flags BPF_F_* map flags
 * @param lifetime the daemon's default, {@code daemon}, when null
 * @param pin a path under the pin root; a relative one resolves against it
 * @param innerMap for {@code array_of_maps} and {@code hash_of_maps}: the kernel id of an owned map
 *     whose type and sizes the maps stored in the new one must have
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateMapRequest(
        String name,
        String type,
        long keySize,
        long valueSize,
        long maxEntries,
        Long flags,
        Lifetime lifetime,
        String pin,
        Map<String, String> labels,
        Long innerMap) {

    public static CreateMapRequest of(String name, String type, long keySize, long valueSize, long maxEntries) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries, null, null, null, null, null);
    }

    public CreateMapRequest withFlags(long newFlags) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries,
                newFlags, lifetime, pin, labels, innerMap);
    }

    public CreateMapRequest withLifetime(Lifetime newLifetime) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries,
                flags, newLifetime, pin, labels, innerMap);
    }

    public CreateMapRequest withPin(String newPin) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries,
                flags, lifetime, newPin, labels, innerMap);
    }

    public CreateMapRequest withLabels(Map<String, String> newLabels) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries,
                flags, lifetime, pin, newLabels, innerMap);
    }

    public CreateMapRequest withInnerMap(long innerMapId) {
        return new CreateMapRequest(name, type, keySize, valueSize, maxEntries, flags, lifetime, pin, labels,
                innerMapId);
    }
}
