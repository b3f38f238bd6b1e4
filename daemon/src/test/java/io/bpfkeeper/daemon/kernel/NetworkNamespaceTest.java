package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Work in a namespace ends for its caller by a deadline, whatever the work does. */
@KernelTest
class NetworkNamespaceTest {

    private static final Duration DEADLINE = Duration.ofMillis(300);

    private TestNetwork network;

    @BeforeEach
    void start() {
        network = TestNetwork.create();
    }

    @AfterEach
    void stop() {
        network.close();
    }

    /**
     * Stuck work gives its caller ETIMEDOUT by the deadline; once it ends, what it made is undone
     * there, in the namespace, and its thread is gone.
     */
    @Test
    void stuckWorkTimesOutAndWhatItMadeLaterIsUndoneInTheNamespace() throws Exception {
        NetworkNamespace netns = NetworkNamespace.of(network.netnsA(), 0);
        long inodeA = (Long) Files.getAttribute(Path.of("/run/netns", network.netnsA()), "unix:ino");
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicLong undoneIn = new AtomicLong();
        Thread[] worker = new Thread[1];

        long before = System.nanoTime();
        assertThatThrownBy(() -> netns.run(() -> {
            worker[0] = Thread.currentThread();
            awaitUninterruptibly(stuck);
            return "made";
        }, made -> undoneIn.set(NetworkNamespace.currentInode()), DEADLINE))
                .isInstanceOfSatisfying(BpfException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ETIMEDOUT");
                    assertThat(e.getMessage()).contains("did not end within 300 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));

        stuck.countDown();
        Eventually.until(Duration.ofSeconds(10), () -> undoneIn.get() != 0, "the late result is undone");
        assertThat(undoneIn.get()).as("the namespace the undo ran in").isEqualTo(inodeA);
        worker[0].join(10_000);
        assertThat(worker[0].isAlive()).isFalse();
        assertThat(netns.run(NetworkNamespace::currentInode)).isEqualTo(inodeA);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // Stuck work does not end when asked to.
            }
        }
    }
}
