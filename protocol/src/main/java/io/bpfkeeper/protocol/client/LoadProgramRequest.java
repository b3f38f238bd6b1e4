package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.List;
import java.util.Map;

/**
 * The parameters of {@code io.bpfkeeper.LoadProgram}. Start from {@link #of}
 * with the required ones and add optional ones with the {@code with}
 * methods; {@code null} leaves a parameter out.
 *
 * @param type bpftool's program type name, such as {@code xdp} or {@code sched_cls}
 * @param instructions hex of the raw 8-byte {@code struct bpf_insn} records, in host order
 * @param expectedAttachType bpftool's attach type name, for program types that need one
 * @param logLevel 1 or 2 to receive the verifier log on success too
 * @param lifetime the daemon's default, {@code daemon}, when null
 * @param pin a path under the pin root; a relative one resolves against it
 * @param maps kernel ids of owned maps that the instructions refer to by index, with
 *     {@code BPF_PSEUDO_MAP_IDX} (5) or {@code BPF_PSEUDO_MAP_IDX_VALUE} (6)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadProgramRequest(
        String name,
        String type,
        String instructions,
        String license,
        String expectedAttachType,
        Long logLevel,
        Lifetime lifetime,
        String pin,
        Map<String, String> labels,
        List<Long> maps) {

    public static LoadProgramRequest of(String name, String type, String instructions, String license) {
        return new LoadProgramRequest(name, type, instructions, license, null, null, null, null, null, null);
    }

    public LoadProgramRequest withExpectedAttachType(String attachType) {
        return new LoadProgramRequest(
                name, type, instructions, license, attachType, logLevel, lifetime, pin, labels, maps);
    }

    public LoadProgramRequest withLogLevel(long level) {
        return new LoadProgramRequest(
                name, type, instructions, license, expectedAttachType, level, lifetime, pin, labels, maps);
    }

    public LoadProgramRequest withLifetime(Lifetime newLifetime) {
        return new LoadProgramRequest(
                name, type, instructions, license, expectedAttachType, logLevel, newLifetime, pin, labels, maps);
    }

    public LoadProgramRequest withPin(String newPin) {
        return new LoadProgramRequest(
                name, type, instructions, license, expectedAttachType, logLevel, lifetime, newPin, labels, maps);
    }

    public LoadProgramRequest withLabels(Map<String, String> newLabels) {
        return new LoadProgramRequest(
                name, type, instructions, license, expectedAttachType, logLevel, lifetime, pin, newLabels, maps);
    }

    /** The maps the instructions refer to: index i in an instruction is {@code mapIds.get(i)}. */
    public LoadProgramRequest withMaps(List<Long> mapIds) {
        return new LoadProgramRequest(
                name, type, instructions, license, expectedAttachType, logLevel, lifetime, pin, labels, mapIds);
    }
}
