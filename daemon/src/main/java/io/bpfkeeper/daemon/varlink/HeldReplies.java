package io.bpfkeeper.daemon.varlink;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replies of every connection that wait at the {@link ReplyGate}, so that a stop lets them out
 * before it closes the connections.
 */
final class HeldReplies {

    private final ReplyGate gate;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    HeldReplies(ReplyGate gate) {
        this.gate = gate;
    }

    /** What a call that ran on this thread must wait for before its reply; null when nothing. */
    CompletionStage<?> awaitedByThisThread() {
        CompletionStage<?> awaited = gate.takeAwaitedByThisThread();
        return awaited.toCompletableFuture().isDone() ? null : awaited;
    }

    /** Follows a held reply until {@code written} completes, once it is written or dropped. */
    void track(CompletableFuture<Void> written) {
        pending.add(written);
        written.whenComplete((ignored, failure) -> pending.remove(written));
    }

    /** Waits for the replies held now; false when some were still held at the deadline. */
    boolean awaitAll(Duration deadline) throws InterruptedException {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
