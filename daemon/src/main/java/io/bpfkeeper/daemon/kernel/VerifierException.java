package io.bpfkeeper.daemon.kernel;

/** The verifier rejected a program. It carries the verifier's log, which names the bad instruction. */
public final class VerifierException extends BpfException {

    private final String program;
    private final String log;

    public VerifierException(String program, BpfException failure, String log) {
        super(failure.operation(), failure.errno(), "load program " + program, failure.hint());
        this.program = program;
        this.log = log;
    }

    public String program() {
        return program;
    }

    /** The whole log the kernel wrote (its tail, when the kernel's log buffer overflowed). */
    public String log() {
        return log;
    }
}
