package io.bpfkeeper.daemon.kernel;

/**
 * The calling thread's effective capabilities. Capabilities belong to each thread, and the raw
 * capget and capset syscalls (unlike libcap's process-wide helpers) change only the calling one, so
 * a load can run with fewer capabilities on one thread while every other thread keeps the daemon's.
 * The verifier asks the loading thread's effective set whether to allow pointer leaks and to skip
 * its Spectre mitigations ({@code perfmon_capable()}), and which program types are allowed.
 */
public final class Capabilities {

    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    private static final long SYS_CAPGET = 125;
    private static final long SYS_CAPSET = 126;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    /** Header: version, pid. Data: two of {effective, permitted, inheritable}, low and high 32 bits. */
    private static final int HEADER_SIZE = 8;
    private static final int DATA_SIZE = 24;

    private Capabilities() {
    }

    /** The bit of one capability, for {@link #lowerEffective}. */
    public static long bit(int capability) {
        return 1L << capability;
    }

    /**
     * Keeps only {@code keep} of the calling thread's effective capabilities until the returned scope
     * is closed, which restores them. Permitted capabilities stay, so the restore needs no privilege.
     * Close it on the same thread.
     */
    public static Scope lowerEffective(long keep) {
        long[] saved = get();
        set(new long[] {saved[0] & keep, saved[1], saved[2]});
        Thread owner = Thread.currentThread();
        return () -> {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("capabilities restored on another thread than lowered them");
            }
            set(saved);
        };
    }

    /** The calling thread's effective capabilities. */
    public static long effective() {
        return get()[0];
    }

    /** Restores what {@link #lowerEffective} lowered; throws nothing. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        /** Nothing lowered: for callers that keep every capability. */
        Scope NONE = () -> {
        };

        @Override
        void close();
    }

    /** effective, permitted, inheritable, each as 64 bits. */
    private static long[] get() {
        try (NativeBuffer header = header(); NativeBuffer data = NativeBuffer.allocate(DATA_SIZE)) {
            if (LibC.INSTANCE.syscall(SYS_CAPGET, header.address(), data.address(), 0) != 0) {
                throw new BpfException("capget", LibC.errno());
            }
            long[] sets = new long[3];
            for (int i = 0; i < 3; i++) {
                long low = Integer.toUnsignedLong(data.pointer().getInt(i * 4L));
                long high = Integer.toUnsignedLong(data.pointer().getInt(12 + i * 4L));
                sets[i] = high << 32 | low;
            }
            return sets;
        }
    }

    private static void set(long[] sets) {
        try (NativeBuffer header = header(); NativeBuffer data = NativeBuffer.allocate(DATA_SIZE)) {
            for (int i = 0; i < 3; i++) {
                data.pointer().putInt(i * 4L, (int) sets[i]);
                data.pointer().putInt(12 + i * 4L, (int) (sets[i] >>> 32));
            }
            if (LibC.INSTANCE.syscall(SYS_CAPSET, header.address(), data.address(), 0) != 0) {
                throw new BpfException("capset", LibC.errno());
            }
        }
    }

    private static NativeBuffer header() {
        NativeBuffer header = NativeBuffer.allocate(HEADER_SIZE);
        header.pointer().putInt(0, LINUX_CAPABILITY_VERSION_3);
        header.pointer().putInt(4, 0);
        return header;
    }
}
