package io.bpfkeeper.daemon.varlink;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the calls that pass through it until the test opens it, so that a test can have a slow
 * call in flight for as long as it needs. Closing opens it, so that no failed test leaves a worker
 * waiting.
 */
final class Gate implements AutoCloseable {

    private static final long DEADLINE_SECONDS = 30;

    private final CountDownLatch waiting = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    /** Blocks the calling thread until the gate opens. */
    void pass() throws InterruptedException {
        waiting.countDown();
        if (!opened.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
        }
    }

    /** Returns once a call waits at the gate. */
    void awaitWaiter() throws InterruptedException {
        if (!waiting.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("no call reached the gate");
        }
    }

    void open() {
        opened.countDown();
    }

    @Override
    public void close() {
        open();
    }
}
