package io.bpfkeeper.daemon.kernel;

import io.bpfkeeper.daemon.testing.FdNumbers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tiny assembler for the few BPF instructions the tests load: {@code struct bpf_insn} is
 * {@code u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, little-endian on x86-64.
 */
final class Insns {

    /** BPF_ALU64 | BPF_MOV | BPF_K: dst = imm. */
    private static final int MOV64_IMM = 0xb7;
    /** BPF_JMP | BPF_EXIT. */
    private static final int EXIT = 0x95;
    /** BPF_LD | BPF_DW | BPF_IMM: a 64-bit immediate load, which takes two instruction slots. */
    private static final int LD_IMM64 = 0x18;
    /** src_reg of an LD_IMM64 whose immediate is a map fd that the kernel replaces by the map. */
    private static final int BPF_PSEUDO_MAP_FD = 1;
    private static final int MAX_INSTRUCTIONS = 64;

    private final ByteBuffer code = ByteBuffer.allocate(MAX_INSTRUCTIONS * ProgramSpec.INSTRUCTION_SIZE)
            .order(ByteOrder.LITTLE_ENDIAN);

    /** The assembled instructions, in the layout {@link ProgramSpec#instructions()} takes. */
    byte[] bytes() {
        byte[] bytes = new byte[code.position()];
        code.duplicate().flip().get(bytes);
        return bytes;
    }

    /** {@code dst = imm}. */
    Insns mov(int dst, int imm) {
        return emit(MOV64_IMM, dst, 0, imm);
    }

    /** {@code dst = map}: the verifier records the map as used by the program. */
    Insns loadMap(int dst, Fd map) {
        emit(LD_IMM64, dst, BPF_PSEUDO_MAP_FD, FdNumbers.of(map));
        return emit(0, 0, 0, 0);
    }

    /** {@code return r0}. */
    Insns exit() {
        return emit(EXIT, 0, 0, 0);
    }

    private Insns emit(int opcode, int dst, int src, int imm) {
        code.put((byte) opcode).put((byte) (src << 4 | dst)).putShort((short) 0).putInt(imm);
        return this;
    }
}
