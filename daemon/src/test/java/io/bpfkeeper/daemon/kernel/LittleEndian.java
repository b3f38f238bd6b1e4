package io.bpfkeeper.daemon.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Map keys and values as the kernel stores integers on x86-64. */
final class LittleEndian {

    private LittleEndian() {
    }

    static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static byte[] u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    static int u32At(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    static long u64At(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }
}
