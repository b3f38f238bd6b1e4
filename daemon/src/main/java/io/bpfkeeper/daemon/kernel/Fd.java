package io.bpfkeeper.daemon.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns one file descriptor. Every fd the daemon gets from the kernel is wrapped in an {@code Fd}
 * at once, so that whoever holds it is visible in code and closing it is never forgotten in an
 * error path (use try-with-resources until ownership passes on).
 *
 * <p>The number is reached only through a {@link Lease}, held for as long as a call uses it. An owned
 * object's fd is shared by every client call on that object, and one of them may release it while
 * another is in the middle of a syscall: without leases the number could be closed, and handed by
 * the kernel to another client's new object, between reading it and the syscall that uses it.
 * {@link #close()} therefore only gives up the owner's reference; the number is closed when the
 * last lease ends. Closing is idempotent and thread-safe: the first {@link #close()} wins, and a
 * lease asked for after it is refused instead of handing out a number that may be reused.
 */
public final class Fd implements AutoCloseable {

    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_GETFD = 1;

    private final int number;
    /** Open leases, plus one while the owner has not closed it; the number is closed at 0. */
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean ownerClosed = new AtomicBoolean();

    private Fd(int number) {
        this.number = number;
    }

    /** Takes ownership of a raw fd that the caller will no longer close. */
    public static Fd adopt(int raw) {
        if (raw < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + raw);
        }
        return new Fd(raw);
    }

    /**
     * The right to use the number until the lease is closed; use it in try-with-resources around
     * the calls that pass the number to the kernel.
     *
     * @throws ClosedFdException if the fd was already closed
     */
    public Lease lease() {
        int held;
        do {
            held = references.get();
            if (held == 0 || ownerClosed.get()) {
                throw new ClosedFdException();
            }
        } while (!references.compareAndSet(held, held + 1));
        return new Lease();
    }

    public boolean isOpen() {
        return !ownerClosed.get();
    }

    /** A second, independent fd for the same open file (close-on-exec). */
    public Fd dup() {
        try (Lease lease = lease()) {
            return duplicate(lease.number());
        }
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
     *
     * @throws IllegalStateException if it was closed, or a lease still uses it
     */
    public int release() {
        if (!references.compareAndSet(1, 0) || !ownerClosed.compareAndSet(false, true)) {
            throw new IllegalStateException("file descriptor already closed, or in use");
        }
        return number;
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

    /** Gives up the owner's reference: the number is closed now, or when the last lease ends. */
    @Override
    public void close() {
        if (ownerClosed.compareAndSet(false, true)) {
            dropReference();
        }
    }

    private void dropReference() {
        if (references.decrementAndGet() == 0) {
            LibC.INSTANCE.close(number);
        }
    }

    @Override
    public String toString() {
        return ownerClosed.get() ? "Fd(closed)" : "Fd(" + number + ")";
    }

    /** The use of an fd's number by one call; see {@link Fd#lease()}. */
    public final class Lease implements AutoCloseable {

        private final AtomicBoolean ended = new AtomicBoolean();

        private Lease() {
        }

        /** The raw number, for passing to the kernel while this lease is open. */
        public int number() {
            return number;
        }

        @Override
        public void close() {
            if (ended.compareAndSet(false, true)) {
                dropReference();
            }
        }
    }
}
