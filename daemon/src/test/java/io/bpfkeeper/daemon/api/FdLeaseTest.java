package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call that uses an owned object's fd holds a lease on it, so that a Release meanwhile can never
 * make the call act on another object that took over the fd number.
 */
@KernelTest
class FdLeaseTest {

    private static final Duration RACE = Duration.ofSeconds(10);
    private static final int WRITERS = 3;
    private static final int ENTRIES = 4096;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    /**
     * Batches in mode noexist are written one entry, and one syscall, at a time, so a Release lands
     * between two of a batch's syscalls, and the map made right after it is the likeliest to get
     * the released fd's number.
     */
    @Test
    void writesRacingAReleaseNeverReachTheMapThatTakesOverItsNumber() throws Exception {
        List<Integer> successors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient owner = daemon.client()) {
            List<BpfkeeperClient> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                writers.add(daemon.client());
            }
            long deadline = System.nanoTime() + RACE.toNanos();
            while (System.nanoTime() < deadline) {
                int victim = (int) hashMap(owner, "victim");
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < WRITERS; i++) {
                    BpfkeeperClient writer = writers.get(i);
                    List<Entry> entries = entries(i);
                    running.add(pool.submit(() -> writeBatch(writer, victim, entries)));
                }
                Thread.sleep(1);
                owner.release(Kind.MAP, victim);
                successors.add((int) hashMap(owner, "successor"));
                for (Future<?> writer : running) {
                    writer.get();
                }
            }
            writers.forEach(BpfkeeperClient::close);

            assertThat(successors).isNotEmpty();
            for (int successor : successors) {
                assertThat(Bpftool.json("map", "dump", "id", Integer.toString(successor)).size())
                        .as("entries in map %d, made after its predecessor was released", successor)
                        .isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long hashMap(BpfkeeperClient client, String name) {
        return client.createMap(CreateMapRequest.of(name, "hash", 4, 4, WRITERS * ENTRIES)).id();
    }

    /** Keys of one writer of its own, so that noexist never refuses a key another writer wrote. */
    private static List<Entry> entries(int writer) {
        return IntStream.range(0, ENTRIES).mapToObj(i -> String.format("%08x", Integer.reverseBytes(writer * ENTRIES + i)))
                .map(key -> new Entry(key, "efbeadde")).toList();
    }

    private static void writeBatch(BpfkeeperClient writer, int victim, List<Entry> entries) {
        try {
            writer.mapUpdateBatch(victim, entries, UpdateMode.NOEXIST);
        } catch (VarlinkCallException releasedMeanwhile) {
            // Expected for most rounds: the batch stops where the release came.
        }
    }
}
