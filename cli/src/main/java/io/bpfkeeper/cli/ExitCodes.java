package io.bpfkeeper.cli;

/** What the exit status of {@code bpfkeeper} tells a script. */
final class ExitCodes {
    static final int OK = 0;
    /** The daemon answered with an error, or did not find what was asked for. */
    static final int FAILED = 1;
    /** The command line was wrong; picocli's default for invalid input. */
    static final int USAGE = 2;
    /** No answer from the daemon: it could not be reached, or the connection broke. */
    static final int UNREACHABLE = 3;

    private ExitCodes() {
    }
}
