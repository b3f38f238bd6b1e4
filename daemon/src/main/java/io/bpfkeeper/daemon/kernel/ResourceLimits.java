package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** getrlimit/setrlimit for the two limits a BPF daemon runs into. */
public final class ResourceLimits {

    private static final int RLIMIT_NOFILE = 7;
    private static final int RLIMIT_MEMLOCK = 8;
    private static final long RLIM_INFINITY = -1L;

    private ResourceLimits() {
    }

    /**
     * Raises the soft RLIMIT_NOFILE to the hard limit: every owned object is an open fd, so the
     * default soft limit of 1024 would cap the daemon at about a thousand objects.
     *
     * @return the new soft limit
     */
    public static long raiseOpenFilesToHardLimit() {
        Pointer limit = get(RLIMIT_NOFILE);
        long hard = limit.getLong(8);
        if (limit.getLong(0) != hard) {
            limit.putLong(0, hard);
            set(RLIMIT_NOFILE, limit);
        }
        return hard;
    }

    /**
     * Lifts RLIMIT_MEMLOCK where allowed. Kernels before 5.11 charge BPF memory against it; newer ones
     * use the memory cgroup, where this is harmless. Returns false when the limit stayed.
     */
    public static boolean liftLockedMemoryLimit() {
        Pointer limit = Memory.allocateDirect(LibC.RUNTIME, 16, true);
        limit.putLong(0, RLIM_INFINITY);
        limit.putLong(8, RLIM_INFINITY);
        return LibC.INSTANCE.setrlimit(RLIMIT_MEMLOCK, limit) == 0;
    }

    private static Pointer get(int resource) {
        Pointer limit = Memory.allocateDirect(LibC.RUNTIME, 16, true);
        if (LibC.INSTANCE.getrlimit(resource, limit) != 0) {
            throw new BpfException("getrlimit", LibC.errno());
        }
        return limit;
    }

    private static void set(int resource, Pointer limit) {
        if (LibC.INSTANCE.setrlimit(resource, limit) != 0) {
            throw new BpfException("setrlimit", LibC.errno());
        }
    }
}
