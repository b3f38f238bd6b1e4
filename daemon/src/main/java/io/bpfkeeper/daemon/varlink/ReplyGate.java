package io.bpfkeeper.daemon.varlink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the final reply of a call waits for: for a call that changed the daemon's state, the moment
 * when a crash can no longer undo the change. The call's handler runs to its end without waiting;
 * its reply, and the connection's next call, wait. No thread blocks meanwhile.
 */
@FunctionalInterface
public interface ReplyGate {

    /** Lets every reply through at once. */
    ReplyGate OPEN = () -> CompletableFuture.completedFuture(null);

    /**
     * What the call that ran on this thread waits for, asked once it has run; a completed stage when
     * it changed nothing. Asking forgets it.
     */
    CompletionStage<?> takeAwaitedByThisThread();
}
