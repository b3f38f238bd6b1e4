package io.bpfkeeper.daemon.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns one file descriptor. Every fd the daemon gets from the kernel is wrapped in an {@code Fd}
 * at once, so that whoever holds it is visible in code and closing it is never forgotten in an
 * error path (use try-with-resources until ownership passes on).
 *
 * <p>Closing is idempotent and thread-safe: the first {@link #close()} wins. Reading {@link #get()}
 * after close throws instead of handing out a number the kernel may already have reused.
 */
public final class Fd implements AutoCloseable {

    private static final int CLOSED = -1;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_GETFD = 1;

    private final AtomicInteger value;

    private Fd(int value) {
        this.value = new AtomicInteger(value);
    }

    /** Takes ownership of a raw fd that the caller will no longer close. */
    public static Fd adopt(int raw) {
        if (raw < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + raw);
        }
        return new Fd(raw);
    }

    /** The raw number, for passing to the kernel. The fd stays owned by this object. */
    public int get() {
        int raw = value.get();
        if (raw == CLOSED) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return raw;
    }

    public boolean isOpen() {
        return value.get() != CLOSED;
    }

    /** A second, independent fd for the same open file (close-on-exec). */
    public Fd dup() {
        return duplicate(get());
    }

    /**
     * Takes a reference of our own to an fd that someone else owns and will close, such as an fd
     * inside a libbpf object.
     */
    public static Fd duplicate(int borrowed) {
        int copy = LibC.INSTANCE.fcntl(borrowed, F_DUPFD_CLOEXEC, 0);
        if (copy < 0) {
            throw new BpfException("fcntl(F_DUPFD_CLOEXEC)", LibC.errno());
        }
        return new Fd(copy);
    }

    /**
     * Gives up ownership without closing, for handing the fd to code that closes it itself (such as
     * a native library or another process).
     */
    public int release() {
        int raw = value.getAndSet(CLOSED);
        if (raw == CLOSED) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return raw;
    }

    /**
     * Hands this fd to the object that will own it. If making that object fails (reading the
     * kernel's info about the fd, say), the fd is closed, so that a failed wrap never leaks it.
     */
    public <T> T into(java.util.function.Function<Fd, T> owner) {
        try {
            return owner.apply(this);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether a raw fd number is open in this process, for tests that look for leaks. */
    public static boolean isValid(int raw) {
        return LibC.INSTANCE.fcntl(raw, F_GETFD, 0) >= 0;
    }

    @Override
    public void close() {
        int raw = value.getAndSet(CLOSED);
        if (raw != CLOSED) {
            LibC.INSTANCE.close(raw);
        }
    }

    @Override
    public String toString() {
        int raw = value.get();
        return raw == CLOSED ? "Fd(closed)" : "Fd(" + raw + ")";
    }
}
