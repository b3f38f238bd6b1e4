package io.bpfkeeper.daemon.kernel;

/**
 * A kernel call failed. It carries the operation ("BPF_MAP_CREATE"), the errno, and what the caller
 * was doing, so that the message reads like cilium/ebpf's: {@code create map counters:
 * BPF_MAP_CREATE: E2BIG: max_entries, key_size or value_size too large}.
 */
public class BpfException extends RuntimeException {

    private final String operation;
    private final int errno;
    private final String context;
    private final String hint;

    public BpfException(String operation, int errno) {
        this(operation, errno, null, ErrnoHints.hint(operation, errno));
    }

    public BpfException(String operation, int errno, String context, String hint) {
        super(message(context, operation, errno, hint));
        this.operation = operation;
        this.errno = errno;
        this.context = context;
        this.hint = hint;
    }

    /** The same failure, described by what the caller was doing. */
    public BpfException withContext(String context) {
        return new BpfException(operation, errno, context, hint);
    }

    /** The same failure with a more precise explanation, found by probing after the fact. */
    public BpfException withHint(String betterHint) {
        return new BpfException(operation, errno, context, betterHint);
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    /** What the caller was doing, or null. */
    public String context() {
        return context;
    }

    public String hint() {
        return hint;
    }

    private static String message(String context, String operation, int errno, String hint) {
        String base = operation + ": " + Errno.name(errno) + ": " + hint;
        return context == null ? base : context + ": " + base;
    }
}
