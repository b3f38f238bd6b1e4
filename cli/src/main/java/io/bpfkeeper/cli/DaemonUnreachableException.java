package io.bpfkeeper.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The daemon gave no answer: its socket could not be connected to, or the connection broke during a call. */
final class DaemonUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private DaemonUnreachableException(String message, UncheckedIOException cause) {
        super(message, cause);
    }

    static DaemonUnreachableException cannotConnect(Path socket, UncheckedIOException failure) {
        return new DaemonUnreachableException("cannot connect to the daemon: " + reason(failure)
                + "; is bpfkeeperd running? socket: " + socket, failure);
    }

    static DaemonUnreachableException connectionLost(UncheckedIOException failure) {
        return new DaemonUnreachableException("no answer from the daemon: " + reason(failure), failure);
    }

    /** The I/O exception's own words, such as "Connection refused", rather than the wrapper's. */
    private static String reason(UncheckedIOException failure) {
        IOException cause = failure.getCause();
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
