package io.bpfkeeper.daemon.kernel;

/** A batch operation stopped at a failing entry after writing {@link #completed()} entries. */
public final class PartialBatchException extends BpfException {

    private final int completed;

    public PartialBatchException(BpfException cause, int completed) {
        super(cause.operation(), cause.errno(), "entry " + completed + " of the batch", cause.hint());
        this.completed = completed;
    }

    public int completed() {
        return completed;
    }
}
