package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Eventually;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One uid's slow calls occupy at most its share of the workers; another uid's calls still run. */
class WorkerSharesTest {

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final WorkerShares shares = new WorkerShares(workers, 2);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        workers.shutdownNow();
    }

    private Runnable blocking(AtomicInteger started) {
        return () -> {
            started.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void oneUidHoldsNoMoreThanItsShareAndAnotherUidStillRuns() throws Exception {
        AtomicInteger greedy = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            shares.execute(1000, blocking(greedy), rejected -> { });
        }
        CountDownLatch otherRan = new CountDownLatch(1);
        shares.execute(1001, otherRan::countDown, rejected -> { });

        assertThat(otherRan.await(10, TimeUnit.SECONDS)).as("another uid's call ran").isTrue();
        // The other uid's call may run before the share's second call has started.
        Eventually.until(Duration.ofSeconds(10), () -> greedy.get() >= 2, "the share's two calls started");
        assertThat(greedy.get()).as("calls of the greedy uid running, with two free workers").isEqualTo(2);

        release.countDown();
        Eventually.until(Duration.ofSeconds(10), () -> greedy.get() == 10, "the waiting calls ran in turn");
    }

    @Test
    void aCallWaitingForItsShareIsToldWhenTheWorkersStop() throws Exception {
        AtomicInteger started = new AtomicInteger();
        shares.execute(1000, blocking(started), rejected -> { });
        shares.execute(1000, blocking(started), rejected -> { });
        AtomicReference<RejectedExecutionException> told = new AtomicReference<>();
        shares.execute(1000, () -> { }, told::set);

        workers.shutdown();
        release.countDown();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(told.get()).isNotNull();
    }
}
