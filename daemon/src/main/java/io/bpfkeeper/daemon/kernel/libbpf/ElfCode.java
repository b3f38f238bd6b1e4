package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.InstructionCheck;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The code of a client's ELF object, checked before libbpf sees it: libbpf loads the instructions of
 * every executable section as they are, rewriting only those that relocations point at, so an
 * instruction that names an fd by hand would reach the kernel, which would resolve it in the
 * daemon's fd table. This reads the section headers of a 64-bit little-endian object, the only kind
 * libbpf 1.1 loads, and checks every section with SHF_EXECINSTR, whatever its type.
 */
final class ElfCode {

    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_SHOFF = 0x28;
    private static final int E_SHENTSIZE = 0x3a;
    private static final int E_SHNUM = 0x3c;
    private static final int E_SHSTRNDX = 0x3e;
    private static final int HEADER_SIZE = 0x40;
    private static final int SECTION_HEADER_SIZE = 0x40;
    private static final int SH_NAME = 0;
    private static final int SH_FLAGS = 8;
    private static final int SH_OFFSET = 24;
    private static final int SH_SIZE = 32;
    private static final long SHF_EXECINSTR = 0x4;

    private ElfCode() {
    }

    /**
     * @throws ElfObjectException when the object is not one libbpf would load, or an instruction of
     *     its code names an fd
     */
    static void check(byte[] elf) {
        ByteBuffer bytes = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < HEADER_SIZE || elf[EI_CLASS] != ELFCLASS64 || elf[EI_DATA] != ELFDATA2LSB) {
            throw malformed("not a 64-bit little-endian ELF object");
        }
        long sectionHeaders = bytes.getLong(E_SHOFF);
        if (Short.toUnsignedInt(bytes.getShort(E_SHENTSIZE)) != SECTION_HEADER_SIZE) {
            throw malformed("its section headers are not 64 bytes each");
        }
        long sections = Short.toUnsignedInt(bytes.getShort(E_SHNUM));
        if (sections == 0 && sectionHeaders != 0) {
            requireWithin(elf, sectionHeaders, 1);
            sections = field(bytes, sectionHeaders, SH_SIZE);
        }
        requireWithin(elf, sectionHeaders, sections);
        int namesSection = Short.toUnsignedInt(bytes.getShort(E_SHSTRNDX));
        for (int i = 0; i < sections; i++) {
            long header = sectionHeaders + (long) i * SECTION_HEADER_SIZE;
            if ((field(bytes, header, SH_FLAGS) & SHF_EXECINSTR) == 0) {
                continue;
            }
            long offset = field(bytes, header, SH_OFFSET);
            long size = field(bytes, header, SH_SIZE);
            if (offset < 0 || size < 0 || offset > elf.length || size > elf.length - offset) {
                throw malformed("code section " + i + " lies beyond its end");
            }
            try {
                InstructionCheck.checkElfCode(elf, (int) offset, (int) size);
            } catch (InstructionCheck.InvalidInstructionException e) {
                String name = namesSection < sections ? sectionName(elf, bytes,
                        sectionHeaders + (long) namesSection * SECTION_HEADER_SIZE, header) : "";
                throw new ElfObjectException("code section " + i + (name.isEmpty() ? "" : " (" + name + ")") + ", "
                        + e.getMessage(), null, "");
            }
        }
    }

    private static void requireWithin(byte[] elf, long sectionHeaders, long sections) {
        if (sectionHeaders < 0 || sectionHeaders > elf.length || sections < 0
                || sections > (elf.length - sectionHeaders) / SECTION_HEADER_SIZE) {
            throw malformed("its section headers lie beyond its end");
        }
    }

    private static long field(ByteBuffer bytes, long header, int member) {
        return bytes.getLong((int) (header + member));
    }

    /** The section's name in plain characters, at most 64 of them; empty where it cannot be read. */
    private static String sectionName(byte[] elf, ByteBuffer bytes, long namesHeader, long header) {
        long start = field(bytes, namesHeader, SH_OFFSET)
                + Integer.toUnsignedLong(bytes.getInt((int) header + SH_NAME));
        StringBuilder name = new StringBuilder();
        for (long at = start; at >= 0 && at < elf.length && elf[(int) at] != 0 && name.length() < 64; at++) {
            char c = (char) elf[(int) at];
            name.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return name.toString();
    }

    private static ElfObjectException malformed(String why) {
        return new ElfObjectException("libbpf cannot load the object: " + why, null, "");
    }
}
