package io.bpfkeeper.daemon.kernel;

/** The verifier rejected a program. It carries the verifier's log, which names the bad instruction. */
public final class VerifierException extends BpfException {

    private final String program;
    private final String log;
    private final String loaderLog;

    public VerifierException(String program, BpfException failure, String log) {
        this(program, failure, log, null);
    }

    /** @param loaderLog what the loader (libbpf) said, or null when it was no loader's doing */
    public VerifierException(String program, BpfException failure, String log, String loaderLog) {
        super(failure.operation(), failure.errno(), "load program " + program, failure.hint());
        this.program = program;
        this.log = log;
        this.loaderLog = loaderLog;
    }

    public String program() {
        return program;
    }

    /** The whole log the kernel wrote (its tail, when the kernel's log buffer overflowed). */
    public String log() {
        return log;
    }

    /** What libbpf said during the load, or null for raw loads. */
    public String loaderLog() {
        return loaderLog;
    }
}
