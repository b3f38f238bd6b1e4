package io.bpfkeeper.daemon.kernel.libbpf;

/**
 * An ELF object cannot be loaded as asked: it is malformed, or an option does not fit it. Nothing
 * of it stays loaded.
 */
public final class ElfObjectException extends RuntimeException {

    private final String option;
    private final String libbpfLog;

    /**
     * @param option the load option at fault, such as "globals.verdict", or null when the object
     *     itself is at fault
     */
    ElfObjectException(String message, String option, String libbpfLog) {
        super(message);
        this.option = option;
        this.libbpfLog = libbpfLog;
    }

    /** The load option at fault, such as "globals.verdict", or null when the object is. */
    public String option() {
        return option;
    }

    /** What libbpf said while loading, possibly empty. */
    public String libbpfLog() {
        return libbpfLog;
    }
}
