package io.bpfkeeper.daemon.kernel;

/** A batch operation stopped at a failing entry after writing {@link #completed()} entries. */
public final class PartialBatchException extends BpfException {

    private final int completed;

    public PartialBatchException(BpfException cause, int completed) {
        super(cause.operation(), cause.errno(), contextAt(cause.context(), completed), cause.hint());
        this.completed = completed;
    }

    public int completed() {
        return completed;
    }

    private static String contextAt(String context, int completed) {
        String entry = "entry " + completed + " of the batch";
        return context == null ? entry : context + ", at " + entry;
    }
}
