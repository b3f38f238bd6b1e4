package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Pointer;

/** getrlimit/setrlimit for the two limits a BPF daemon runs into. */
public final class ResourceLimits {

    private static final int RLIMIT_NOFILE = 7;
    private static final int RLIMIT_MEMLOCK = 8;
    private static final long RLIM_INFINITY = -1L;
    /** struct rlimit: rlim_cur and rlim_max. */
    private static final int RLIMIT_SIZE = 16;

    private ResourceLimits() {
    }

    /**
     * Raises the soft RLIMIT_NOFILE to the hard limit: every owned object is an open fd, so the
     * default soft limit of 1024 would cap the daemon at about a thousand objects.
     *
     * @return the new soft limit
     */
    public static long raiseOpenFilesToHardLimit() {
        try (NativeBuffer buffer = NativeBuffer.allocate(RLIMIT_SIZE)) {
            Pointer limit = buffer.pointer();
            check("getrlimit", LibC.INSTANCE.getrlimit(RLIMIT_NOFILE, limit));
            long hard = limit.getLong(8);
            if (limit.getLong(0) != hard) {
                limit.putLong(0, hard);
                check("setrlimit", LibC.INSTANCE.setrlimit(RLIMIT_NOFILE, limit));
            }
            return hard;
        }
    }

    /**
     * Lifts RLIMIT_MEMLOCK where allowed. Kernels before 5.11 charge BPF memory against it; newer ones
     * use the memory cgroup, where this is harmless. Returns false when the limit stayed.
     */
    public static boolean liftLockedMemoryLimit() {
        try (NativeBuffer buffer = NativeBuffer.allocate(RLIMIT_SIZE)) {
            buffer.pointer().putLong(0, RLIM_INFINITY);
            buffer.pointer().putLong(8, RLIM_INFINITY);
            return LibC.INSTANCE.setrlimit(RLIMIT_MEMLOCK, buffer.pointer()) == 0;
        }
    }

    private static void check(String call, int result) {
        if (result != 0) {
            throw new BpfException(call, LibC.errno());
        }
    }
}
