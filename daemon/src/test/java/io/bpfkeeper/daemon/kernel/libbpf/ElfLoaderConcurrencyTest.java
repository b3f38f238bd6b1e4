package io.bpfkeeper.daemon.kernel.libbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Loads from several threads while the collector runs without pause, as 8 clients and a busy heap
 * do in the daemon. Native memory that libbpf reads during a load must not be the collector's to
 * free: the open options were, and the JVM crashed in bpf_object__open_mem within 3 to 9 seconds of
 * this, so a regression takes the test's JVM down with it.
 */
@KernelTest
class ElfLoaderConcurrencyTest {

    private static final int THREADS = 4;
    private static final Duration DURATION = Duration.ofSeconds(10);

    @Test
    void concurrentLoadsWhileTheCollectorRunsAllSucceed() throws Exception {
        byte[] elf = BpfTestObjects.bytes("xdp_count");
        ElfLoader loader = new ElfLoader();
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
            }
        }, "collect-without-pause");
        ExecutorService loaders = Executors.newFixedThreadPool(THREADS);
        try {
            collector.start();
            List<Future<Integer>> loads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                loads.add(loaders.submit(() -> {
                    int count = 0;
                    while (!stop.get()) {
                        try (LoadedElfObject loaded = loader.load(
                                new ElfLoadSpec("concurrent", elf, Map.of(), Map.of(), Map.of()))) {
                            assertThat(loaded.programs()).hasSize(1);
                            count++;
                        }
                    }
                    return count;
                }));
            }
            Thread.sleep(DURATION.toMillis());
            stop.set(true);
            for (Future<Integer> thread : loads) {
                assertThat(thread.get()).isPositive();
            }
        } finally {
            stop.set(true);
            loaders.shutdown();
            collector.join();
        }
    }
}
