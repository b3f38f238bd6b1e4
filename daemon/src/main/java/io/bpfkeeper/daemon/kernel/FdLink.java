package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * readlink(2) of {@code /proc/PID/fd/N}, into a per-thread buffer: a scan of every fd on a busy
 * host does thousands of these, and the JDK's readSymbolicLink allocates a path object for each.
 */
public final class FdLink {

    /** Longer than any BPF anon-inode name; longer targets are cut, and never match one. */
    private static final int BUFFER = 64;
    private static final ThreadLocal<Pointer> SCRATCH =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(LibC.RUNTIME, BUFFER, false));

    private FdLink() {
    }

    /**
     * Whether the fd link at {@code path} points to exactly one of {@code targets}, such as
     * "anon_inode:bpf-map". False when the fd is gone.
     */
    public static boolean pointsToAny(String path, List<byte[]> targets) {
        Pointer buffer = SCRATCH.get();
        long length = LibC.INSTANCE.readlink(path, buffer, BUFFER);
        for (byte[] target : targets) {
            if (length == target.length && equals(buffer, target)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equals(Pointer buffer, byte[] target) {
        for (int i = 0; i < target.length; i++) {
            if (buffer.getByte(i) != target[i]) {
                return false;
            }
        }
        return true;
    }

    /** A target in the form {@link #pointsToAny} compares. */
    public static byte[] target(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
