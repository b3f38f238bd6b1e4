package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Durable CreateMap, the figure of issue 17: 16 clients, each on its own connection and thread and
 * waiting for each reply before its next call, create 4,000 daemon-lifetime maps between them, all
 * starting together, timed from the start to the last reply. Each reply comes only
 * once the journal holds them, fsynced. The baseline is the same calls to a daemon whose journal
 * skips its fsyncs ({@code --journal-fsync off}), in the same rounds. Group commit is what keeps the
 * ratio up: the clients' changes share each fsync.
 *
 * <p>Both daemons are the harness's own, started fresh through bin/bpfkeeperd with their state
 * directories on the disk, so that the daemon under test keeps nothing of this. A round releases
 * what it created, with one Release of its group, outside the timing.
 */
final class DurableCreateMap implements Benchmark {

    private static final int CLIENTS = 16;
    /** Maps a round creates, shared by its clients: far below the 20,000 open files scripts/bench allows. */
    private static final int MAPS_PER_ROUND = 4_000;
    /** ObjectLoadMethods.GROUP_LABEL: what Release by group selects. */
    private static final String GROUP_LABEL = "bpfkeeper.io/group";

    private final AtomicInteger rounds = new AtomicInteger();

    @Override
    public String name() {
        return "durable";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        Path logs = Path.of("bench/target");
        try (BenchDaemonProcess durable = BenchDaemonProcess.start("fsync", context.bpffs(), logs, List.of());
                BenchDaemonProcess unsynced = BenchDaemonProcess.start("no-fsync", context.bpffs(), logs,
                        List.of("--journal-fsync", "off"))) {
            Rounds.Paired<Double> paired = Rounds.paired(context.options(),
                    () -> createsPerSecond(durable),
                    () -> createsPerSecond(unsynced));
            return List.of(Figure.compared(CLIENTS + " clients, durable CreateMap", Unit.PER_SECOND, paired,
                    Double::doubleValue, "journal without fsync", Target.ratioAtLeast(0.5)));
        }
    }

    /**
     * Has each client create its share of {@link #MAPS_PER_ROUND} maps, all starting together, and
     * returns the maps created per second from the start to the last reply; then releases them all.
     */
    private double createsPerSecond(ServerProcess daemon) throws Exception {
        String group = "bench-durable-" + rounds.incrementAndGet();
        CreateMapRequest request = CreateMapRequest.of("durable", "array", 4, 8, 1)
                .withLabels(Map.of(GROUP_LABEL, group));
        CountDownLatch connected = new CountDownLatch(CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                loops.add(threads.submit(() -> {
                    try (BpfkeeperClient client = daemon.connect()) {
                        // Connected: the creates that count start together.
                        connected.countDown();
                        go.await();
                        for (int call = 0; call < MAPS_PER_ROUND / CLIENTS; call++) {
                            client.createMap(request);
                        }
                    }
                    return null;
                }));
            }
            connected.await();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> loop : loops) {
                loop.get();
            }
            return MAPS_PER_ROUND * 1e9 / (System.nanoTime() - start);
        } finally {
            go.countDown();
            threads.shutdown();
            try (BpfkeeperClient client = daemon.connect()) {
                client.releaseGroup(group);
            }
        }
    }
}
