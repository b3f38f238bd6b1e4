package io.bpfkeeper.daemon.kernel.libbpf;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The check of a client's ELF code, on objects as clang makes them and as an attacker edits them. */
class ElfCodeTest {

    @Test
    void objectsAsClangMakesThemPass() {
        for (String name : new String[] {"xdp_count", "globals", "core_read", "tcx_count", "fd_scan"}) {
            assertThatCode(() -> ElfCode.check(BpfTestObjects.bytes(name))).as(name).doesNotThrowAnyException();
        }
    }

    @Test
    void aHandMadeMapFdLoadIsRefusedWithItsSection() {
        byte[] elf = BpfTestObjects.bytes("fd_scan");
        int load = BpfTestObjects.offsetOf(elf, "1801000078563412");
        elf[load + 1] = 0x11;

        assertThatThrownBy(() -> ElfCode.check(elf)).isInstanceOf(ElfObjectException.class)
                .hasMessageContaining("(socket)").hasMessageContaining("instruction 2:")
                .hasMessageContaining("BPF_PSEUDO_MAP_FD");
    }

    @Test
    void aMapIndexLoadIsRefusedToo() {
        byte[] elf = BpfTestObjects.bytes("fd_scan");
        elf[BpfTestObjects.offsetOf(elf, "1801000078563412") + 1] = 0x51;

        assertThatThrownBy(() -> ElfCode.check(elf)).isInstanceOf(ElfObjectException.class)
                .hasMessageContaining("map index");
    }

    @Test
    void malformedHeadersAreRefusedWithoutReadingBeyondTheObject() {
        byte[] valid = BpfTestObjects.bytes("xdp_count");
        assertThatThrownBy(() -> ElfCode.check(Arrays.copyOf(valid, 32))).isInstanceOf(ElfObjectException.class);
        byte[] headersBeyond = valid.clone();
        ByteBuffer.wrap(headersBeyond).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, Long.MAX_VALUE - 8);
        assertThatThrownBy(() -> ElfCode.check(headersBeyond)).hasMessageContaining("beyond its end");
        byte[] tooMany = valid.clone();
        ByteBuffer.wrap(tooMany).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3c, (short) 0xffff);
        assertThatThrownBy(() -> ElfCode.check(tooMany)).hasMessageContaining("beyond its end");
        byte[] bigEndian = valid.clone();
        bigEndian[5] = 2;
        assertThatThrownBy(() -> ElfCode.check(bigEndian)).hasMessageContaining("64-bit little-endian");
    }
}
