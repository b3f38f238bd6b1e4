package io.bpfkeeper.daemon.varlink;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Hands slow calls to the worker threads with a share per uid: a uid whose calls occupy its share
 * of the workers waits for one of them to finish, while other uids' calls go on. Each connection
 * has one call at a time, so a uid's waiting calls are at most its connections.
 */
final class WorkerShares {

    private final Executor workers;
    private final int sharePerUid;
    private final Map<Integer, Share> shares = new HashMap<>();

    /** The calls of one uid: how many run, and the ones waiting for a worker of its share. */
    private static final class Share {
        int running;
        final ArrayDeque<Call> waiting = new ArrayDeque<>();
    }

    private record Call(Runnable run, Consumer<RejectedExecutionException> rejected) {
    }

    WorkerShares(Executor workers, int sharePerUid) {
        this.workers = workers;
        this.sharePerUid = sharePerUid;
    }

    /**
     * Runs {@code run} on a worker now or once a call of the same uid finishes.
     *
     * @param rejected told instead, on this or a worker's thread, when the workers are shut down
     */
    void execute(int uid, Runnable run, Consumer<RejectedExecutionException> rejected) {
        Call call = new Call(run, rejected);
        synchronized (this) {
            Share share = shares.computeIfAbsent(uid, any -> new Share());
            if (share.running >= sharePerUid) {
                share.waiting.add(call);
                return;
            }
            share.running++;
        }
        start(uid, call);
    }

    private void start(int uid, Call call) {
        try {
            workers.execute(() -> {
                try {
                    call.run().run();
                } finally {
                    finished(uid);
                }
            });
        } catch (RejectedExecutionException e) {
            finished(uid);
            call.rejected().accept(e);
        }
    }

    private void finished(int uid) {
        Call next;
        synchronized (this) {
            Share share = shares.get(uid);
            next = share.waiting.poll();
            if (next == null) {
                share.running--;
                if (share.running == 0) {
                    shares.remove(uid);
                }
                return;
            }
        }
        start(uid, next);
    }
}
