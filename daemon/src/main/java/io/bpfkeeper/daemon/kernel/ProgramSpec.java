package io.bpfkeeper.daemon.kernel;

import java.util.List;

/**
 * What to load with BPF_PROG_LOAD from raw instructions.
 *
 * @param instructions struct bpf_insn records, 8 bytes each, in host byte order
 * @param expectedAttachType null when the program type needs none
 * @param logLevel 0 for no verifier log on success; a rejected load is always retried with a log
 * @param maps the program's {@code attr.fd_array}: instructions refer to these maps by index, with
 *     BPF_PSEUDO_MAP_IDX and BPF_PSEUDO_MAP_IDX_VALUE; the caller still owns them
 */
public record ProgramSpec(String name, ProgramType type, byte[] instructions, String license,
        AttachType expectedAttachType, int logLevel, List<BpfMap> maps) {

    public static final int INSTRUCTION_SIZE = 8;

    public ProgramSpec {
        maps = List.copyOf(maps);
    }

    /** A program that uses no maps. */
    public ProgramSpec(String name, ProgramType type, byte[] instructions, String license,
            AttachType expectedAttachType, int logLevel) {
        this(name, type, instructions, license, expectedAttachType, logLevel, List.of());
    }

    public int instructionCount() {
        return instructions.length / INSTRUCTION_SIZE;
    }
}
