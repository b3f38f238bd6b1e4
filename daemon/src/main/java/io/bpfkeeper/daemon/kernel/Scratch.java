package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A per-thread native buffer for the key and value of one map operation. Map lookups run on
 * Netty's event loop for every request, so they must not allocate native memory each time.
 */
final class Scratch {

    private static final int INITIAL_SIZE = 4096;
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private Pointer memory = Memory.allocateDirect(LibC.RUNTIME, INITIAL_SIZE, true);
    private int size = INITIAL_SIZE;

    private Scratch() {
    }

    /**
     * This thread's buffer, at least {@code bytes} long. Its contents are unspecified and it is
     * valid only until the next call on this thread.
     */
    static Pointer get(int bytes) {
        Scratch scratch = LOCAL.get();
        if (bytes > scratch.size) {
            int grown = Math.max(bytes, scratch.size * 2);
            scratch.memory = Memory.allocateDirect(LibC.RUNTIME, grown, true);
            scratch.size = grown;
        }
        return scratch.memory;
    }

    /** Where the value starts when key and value share one scratch buffer. */
    static int valueOffset(int keySize) {
        return (keySize + 7) & ~7;
    }
}
