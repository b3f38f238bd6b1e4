package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.ProgramType;
import java.util.Map;

/**
 * What to load from an ELF object and how.
 *
 * @param name the object's name, which libbpf uses as the prefix of its internal maps' names
 * @param programs per-program overrides, by program (function) name
 * @param globals initial values of global variables by name, in the kernel's byte order
 * @param reuseMaps maps of the object, by name, to replace with maps that exist already; the caller
 *     keeps owning them
 */
public record ElfLoadSpec(String name, byte[] elf, Map<String, ProgramOverride> programs,
        Map<String, byte[]> globals, Map<String, BpfMap> reuseMaps) {

    /**
     * A program type, and expected attach type, for sections libbpf does not know (such as
     * {@code tcx/ingress} in libbpf 1.1). Either may be null to keep libbpf's guess.
     */
    public record ProgramOverride(ProgramType type, AttachType expectedAttachType) {
    }
}
