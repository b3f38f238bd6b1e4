package io.bpfkeeper.daemon.kernel;

import io.bpfkeeper.daemon.testing.FdNumbers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * A tiny assembler for the few BPF instructions the tests load: {@code struct bpf_insn} is
 * {@code u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm}, little-endian on x86-64. The opcodes and
 * src_reg values that name maps are {@link InstructionCheck}'s.
 */
public final class Insns {

    /** BPF_ALU64 | BPF_MOV | BPF_K: dst = imm. */
    private static final int MOV64_IMM = 0xb7;
    /** BPF_ALU64 | BPF_MOV | BPF_X: dst = src. */
    private static final int MOV64_REG = 0xbf;
    /** BPF_ALU64 | BPF_ADD | BPF_K: dst += imm. */
    private static final int ADD64_IMM = 0x07;
    /** BPF_ST | BPF_MEM | BPF_W and BPF_DW: *(u32 *) / *(u64 *) (dst + off) = imm. */
    private static final int STORE32_IMM = 0x62;
    private static final int STORE64_IMM = 0x7a;
    /** BPF_JMP | BPF_JEQ | BPF_K: if dst == imm, skip off instructions. */
    private static final int JEQ_IMM = 0x15;
    /** BPF_JMP | BPF_EXIT. */
    private static final int EXIT = 0x95;
    /** The helper bpf_map_lookup_elem. */
    private static final int MAP_LOOKUP_ELEM = 1;
    private static final int FRAME_POINTER = 10;
    private static final int MAX_INSTRUCTIONS = 64;

    private final ByteBuffer code = ByteBuffer.allocate(MAX_INSTRUCTIONS * ProgramSpec.INSTRUCTION_SIZE)
            .order(ByteOrder.LITTLE_ENDIAN);

    /** The assembled instructions, in the layout {@link ProgramSpec#instructions()} takes. */
    public byte[] bytes() {
        byte[] bytes = new byte[code.position()];
        code.duplicate().flip().get(bytes);
        return bytes;
    }

    /** The assembled instructions as LoadProgram takes them. */
    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    /** {@code dst = imm}. */
    public Insns mov(int dst, int imm) {
        return emit(MOV64_IMM, dst, 0, 0, imm);
    }

    /** {@code dst = map}: the verifier records the map as used by the program. */
    public Insns loadMap(int dst, Fd map) {
        return loadMapByFd(dst, FdNumbers.of(map));
    }

    /** {@code dst = map} for whatever map the loader's fd {@code fd} is. */
    public Insns loadMapByFd(int dst, int fd) {
        return loadImm64(dst, InstructionCheck.PSEUDO_MAP_FD, fd, 0);
    }

    /** {@code dst = &value[0] + offset} of the array map at the loader's fd {@code fd}. */
    public Insns loadMapValueByFd(int dst, int fd, int offset) {
        return loadImm64(dst, InstructionCheck.PSEUDO_MAP_VALUE, fd, offset);
    }

    /** {@code dst = map} for the map at {@code index} of attr.fd_array. */
    public Insns loadMapByIndex(int dst, int index) {
        return loadImm64(dst, InstructionCheck.PSEUDO_MAP_IDX, index, 0);
    }

    /** {@code dst = &value[0] + offset} of the array map at {@code index} of attr.fd_array. */
    public Insns loadMapValueByIndex(int dst, int index, int offset) {
        return loadImm64(dst, InstructionCheck.PSEUDO_MAP_IDX_VALUE, index, offset);
    }

    /** A 64-bit immediate load with any src_reg and both immediates, as a client could send it. */
    public Insns loadImm64(int dst, int src, int imm, int nextImm) {
        emit(InstructionCheck.LD_IMM64, dst, src, 0, imm);
        return emit(0, 0, 0, 0, nextImm);
    }

    /**
     * {@code r0 = bpf_map_lookup_elem(r1, &key)} with the 4-byte key 0, then, if found, {@code *(u64 *)
     * r0 = value}; r1 must hold the map.
     */
    public Insns storeAtKeyZero(int value) {
        emit(MOV64_REG, 2, FRAME_POINTER, 0, 0);
        emit(ADD64_IMM, 2, 0, 0, -4);
        emit(STORE32_IMM, FRAME_POINTER, 0, -4, 0);
        emit(InstructionCheck.CALL, 0, 0, 0, MAP_LOOKUP_ELEM);
        emit(JEQ_IMM, 0, 0, 1, 0);
        return emit(STORE64_IMM, 0, 0, 0, value);
    }

    /** {@code *(u64 *) (dst + 0) = value}. */
    public Insns store64(int dst, int value) {
        return emit(STORE64_IMM, dst, 0, 0, value);
    }

    /** Any instruction, as a client could send it. */
    public Insns raw(int opcode, int dst, int src, int offset, int imm) {
        return emit(opcode, dst, src, offset, imm);
    }

    /** {@code return r0}. */
    public Insns exit() {
        return emit(EXIT, 0, 0, 0, 0);
    }

    private Insns emit(int opcode, int dst, int src, int offset, int imm) {
        code.put((byte) opcode).put((byte) (src << 4 | dst)).putShort((short) offset).putInt(imm);
        return this;
    }
}
