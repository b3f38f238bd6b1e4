package io.bpfkeeper.daemon.varlink;

/**
 * A call whose message is parsed on another thread while it arrives. The dispatcher queues it in
 * the message's place, so that it keeps its turn among the connection's calls.
 */
final class PendingCall {

    private boolean done;
    private Object outcome;
    private Throwable failure;
    private Runnable whenDone;

    /**
     * @param outcome the {@link VarlinkCall}, the {@link ProtocolViolation} that the message is, or
     *     null when the message never ended and so is no call at all
     */
    void complete(Object outcome) {
        finish(outcome, null);
    }

    /** The parse itself failed, which is a bug. */
    void fail(Throwable bug) {
        finish(null, bug);
    }

    private void finish(Object outcome, Throwable failure) {
        Runnable action;
        synchronized (this) {
            this.outcome = outcome;
            this.failure = failure;
            done = true;
            action = whenDone;
        }
        if (action != null) {
            action.run();
        }
    }

    /** Runs {@code action} once done: on the thread that completes it, or at once when done already. */
    void whenDone(Runnable action) {
        synchronized (this) {
            if (!done) {
                whenDone = action;
                return;
            }
        }
        action.run();
    }

    synchronized boolean isDone() {
        return done;
    }

    /** Of a done call: as {@link #complete} describes it. */
    synchronized Object outcome() {
        return outcome;
    }

    /** Of a done call: the bug its parse failed with, if it did. */
    synchronized Throwable failure() {
        return failure;
    }
}
