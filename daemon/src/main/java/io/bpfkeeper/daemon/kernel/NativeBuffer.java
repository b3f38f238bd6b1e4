package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Pointer;

/**
 * Native memory freed when closed, not when the garbage collector gets round to it. jnr's own
 * allocations are freed by the GC, which is fine for a few bytes; a verifier log or an ELF object
 * is megabytes per call, and a daemon that loads often would pile them up between collections.
 */
public final class NativeBuffer implements AutoCloseable {

    private final Pointer pointer;
    private boolean freed;

    private NativeBuffer(Pointer pointer) {
        this.pointer = pointer;
    }

    /** Zeroed memory of {@code size} bytes (at least one, so the address is never NULL). */
    public static NativeBuffer allocate(long size) {
        long address = LibC.INSTANCE.calloc(1, Math.max(1, size));
        if (address == 0) {
            throw new OutOfMemoryError("calloc of " + size + " bytes failed");
        }
        return new NativeBuffer(Pointer.wrap(LibC.RUNTIME, address, Math.max(1, size)));
    }

    /** A copy of {@code bytes}, with one zero byte after them so C can read it as a string. */
    public static NativeBuffer copyOf(byte[] bytes) {
        NativeBuffer buffer = allocate(bytes.length + 1L);
        buffer.pointer.put(0, bytes, 0, bytes.length);
        return buffer;
    }

    public Pointer pointer() {
        if (freed) {
            throw new IllegalStateException("native buffer already freed");
        }
        return pointer;
    }

    public long address() {
        return pointer().address();
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            LibC.INSTANCE.free(pointer.address());
        }
    }
}
