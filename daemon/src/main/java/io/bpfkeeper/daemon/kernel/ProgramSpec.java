package io.bpfkeeper.daemon.kernel;

/**
 * What to load with BPF_PROG_LOAD from raw instructions.
 *
 * @param instructions struct bpf_insn records, 8 bytes each, in host byte order
 * @param expectedAttachType null when the program type needs none
 * @param logLevel 0 for no verifier log on success; a rejected load is always retried with a log
 */
public record ProgramSpec(String name, ProgramType type, byte[] instructions, String license,
        AttachType expectedAttachType, int logLevel) {

    public static final int INSTRUCTION_SIZE = 8;

    public int instructionCount() {
        return instructions.length / INSTRUCTION_SIZE;
    }
}
