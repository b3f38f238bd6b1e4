package io.bpfkeeper.daemon.kernel;

/**
 * Finds the instructions that would make the kernel resolve a file descriptor. At BPF_PROG_LOAD the
 * kernel looks fd numbers up in the table of the process that loads, and the daemon's table holds
 * every client's maps and programs: an instruction from a client may name none of them. Maps reach a
 * program only through {@code attr.fd_array}, which the daemon fills itself, by index.
 *
 * <p>Every 8-byte slot is checked as if it began an instruction, including the second half of a
 * 64-bit immediate load. The kernel requires such halves to have opcode 0, so this refuses nothing
 * that it would load, and it needs no agreement with the kernel on where instructions begin. That
 * matters for ELF code, whose functions libbpf moves around before the kernel sees them.
 *
 * <p>{@code struct bpf_insn} is {@code u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, in host
 * (little-endian) order.
 */
public final class InstructionCheck {

    /** BPF_LD | BPF_IMM | BPF_DW: a 64-bit immediate load, which takes two slots. */
    public static final int LD_IMM64 = 0x18;
    /** BPF_JMP | BPF_CALL. */
    public static final int CALL = 0x85;

    /** ld_imm64 src_reg values (include/uapi/linux/bpf.h). */
    public static final int PSEUDO_MAP_FD = 1;
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;
    /** The call src_reg of a kfunc call, whose off indexes a module's BTF fd in fd_array. */
    public static final int PSEUDO_KFUNC_CALL = 2;

    /** The map count of ELF code, whose fd_array is libbpf's own: no index may be named by hand. */
    private static final int NO_FD_ARRAY = -1;

    private InstructionCheck() {
    }

    /** An instruction that names something the caller may not name. */
    public static final class InvalidInstructionException extends RuntimeException {

        private final int index;

        InvalidInstructionException(int index, String message) {
            super("instruction " + index + ": " + message);
            this.index = index;
        }

        /** The instruction's index, counted in 8-byte slots from the start of the checked code. */
        public int index() {
            return index;
        }
    }

    /**
     * Checks a program that the daemon will load with an fd_array of {@code mapCount} maps.
     *
     * @param code whole 8-byte instructions
     * @throws InvalidInstructionException for the first instruction that names an fd, an index
     *     beyond the maps, or a 64-bit load without its second half
     */
    public static void checkProgram(byte[] code, int mapCount) {
        check(code, 0, code.length, mapCount, "load it as LoadProgram's maps instead");
    }

    /**
     * Checks a code section of an ELF object before libbpf relocates it. Relocations write libbpf's
     * own fds and indexes into their instructions; clang leaves those fields zero, so a reference
     * here was put in by hand.
     *
     * @param length a multiple of 8 bytes from {@code offset}
     */
    public static void checkElfCode(byte[] elf, int offset, int length) {
        check(elf, offset, length, NO_FD_ARRAY, "declare the map in the object, or share one with reuseMaps");
    }

    private static void check(byte[] code, int offset, int length, int mapCount, String instead) {
        int count = length / ProgramSpec.INSTRUCTION_SIZE;
        for (int i = 0; i < count; i++) {
            int at = offset + i * ProgramSpec.INSTRUCTION_SIZE;
            int opcode = code[at] & 0xff;
            int sourceRegister = (code[at + 1] & 0xff) >>> 4;
            if (opcode == LD_IMM64) {
                if (i == count - 1) {
                    throw new InvalidInstructionException(i, "a 64-bit immediate load (0x18) needs two slots and"
                            + " this is the last one");
                }
                checkImmediateLoad(i, sourceRegister, imm(code, at), imm(code, at + ProgramSpec.INSTRUCTION_SIZE),
                        mapCount, instead);
            } else if (opcode == CALL && sourceRegister == PSEUDO_KFUNC_CALL && offsetField(code, at) != 0) {
                throw new InvalidInstructionException(i, "a kfunc call with off " + offsetField(code, at)
                        + " names a module's BTF by fd; only kfuncs of the kernel itself (off 0) may be called");
            }
        }
    }

    private static void checkImmediateLoad(int index, int sourceRegister, int imm, int nextImm, int mapCount,
            String instead) {
        switch (sourceRegister) {
            case PSEUDO_MAP_FD, PSEUDO_MAP_VALUE -> throw new InvalidInstructionException(index,
                    "ld_imm64 with src_reg " + sourceRegister + " (BPF_PSEUDO_MAP_" + (sourceRegister == PSEUDO_MAP_FD
                            ? "FD" : "VALUE") + ") names a map by file descriptor, which the daemon does not take;"
                            + " refer to maps with BPF_PSEUDO_MAP_IDX (5) or BPF_PSEUDO_MAP_IDX_VALUE (6) and an"
                            + " index, and " + instead);
            case PSEUDO_BTF_ID -> {
                if (nextImm != 0) {
                    throw new InvalidInstructionException(index, "ld_imm64 with src_reg 3 (BPF_PSEUDO_BTF_ID)"
                            + " names a module's BTF by file descriptor " + nextImm + "; only kernel variables"
                            + " (second imm 0) may be named");
                }
            }
            case PSEUDO_MAP_IDX, PSEUDO_MAP_IDX_VALUE -> {
                long mapIndex = Integer.toUnsignedLong(imm);
                if (mapIndex >= mapCount) {
                    throw new InvalidInstructionException(index, "ld_imm64 with src_reg " + sourceRegister
                            + " refers to map index " + mapIndex + ", but " + whyNoSuchIndex(mapCount, instead));
                }
            }
            default -> {
                // 0: a plain constant; 4 (BPF_PSEUDO_FUNC): an instruction offset. Anything else the
                // kernel refuses by itself, without looking anything up.
            }
        }
    }

    private static String whyNoSuchIndex(int mapCount, String instead) {
        if (mapCount == NO_FD_ARRAY) {
            return "an object's code may not index libbpf's fd_array by hand; " + instead;
        }
        if (mapCount == 0) {
            return "no maps were given";
        }
        return "only " + mapCount + (mapCount == 1 ? " map was" : " maps were") + " given (indexes from 0)";
    }

    private static int imm(byte[] code, int at) {
        return (code[at + 4] & 0xff) | (code[at + 5] & 0xff) << 8 | (code[at + 6] & 0xff) << 16
                | (code[at + 7] & 0xff) << 24;
    }

    private static int offsetField(byte[] code, int at) {
        return (short) ((code[at + 2] & 0xff) | (code[at + 3] & 0xff) << 8);
    }
}
