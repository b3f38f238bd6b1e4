package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Pointer;

/**
 * One member of a kernel struct: its C designator (such as {@code "batch.map_fd"}), byte offset and
 * size. Layouts are written down by hand from {@code <linux/bpf.h>}; {@code StructLayoutTest}
 * compiles a C program against the installed header to prove every offset and size.
 */
public record StructField(String member, int offset, int size) {

    static StructField u32(String member, int offset) {
        return new StructField(member, offset, 4);
    }

    static StructField u64(String member, int offset) {
        return new StructField(member, offset, 8);
    }

    static StructField bytes(String member, int offset, int size) {
        return new StructField(member, offset, size);
    }

    public void put(Pointer struct, long value) {
        switch (size) {
            case 1:
                struct.putByte(offset, (byte) value);
                break;
            case 4:
                struct.putInt(offset, (int) value);
                break;
            case 8:
                struct.putLong(offset, value);
                break;
            default:
                throw new IllegalStateException(member + " is not a scalar");
        }
    }

    /** An unsigned 8- or 32-bit member as a non-negative long, or a 64-bit member as is. */
    public long get(Pointer struct) {
        switch (size) {
            case 1:
                return Byte.toUnsignedLong(struct.getByte(offset));
            case 4:
                return Integer.toUnsignedLong(struct.getInt(offset));
            case 8:
                return struct.getLong(offset);
            default:
                throw new IllegalStateException(member + " is not a scalar");
        }
    }

    public int getInt(Pointer struct) {
        return (int) get(struct);
    }

    /** A NUL-padded char array member, such as a map or program name. */
    public String getString(Pointer struct) {
        byte[] raw = new byte[size];
        struct.get(offset, raw, 0, size);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    public void putString(Pointer struct, String value) {
        byte[] raw = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (raw.length >= size) {
            throw new IllegalArgumentException(member + " holds at most " + (size - 1) + " bytes");
        }
        struct.put(offset, raw, 0, raw.length);
    }
}
