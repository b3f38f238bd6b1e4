package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable CreateMap, the figure of issue 17: 16 clients, each on its own connection and thread and
 * waiting for each reply before its next call, create daemon-lifetime maps, whose replies come only
 * once the journal holds them, fsynced. The baseline is the same calls to a daemon whose journal
 * skips its fsyncs ({@code --journal-fsync off}), in the same rounds. Group commit is what keeps the
 * ratio up: the clients' changes share each fsync.
 *
 * <p>Both daemons are the harness's own, started fresh through bin/bpfkeeperd with their state
 * directories on the disk, so that the daemon under test keeps nothing of this. A round releases
 * what it created, with one Release of its group, outside the counted window; each round starts
 * with an empty journal, and the journal grows through the round alike on both sides.
 */
final class DurableCreateMap implements Benchmark {

    private static final int CLIENTS = 16;
    /** Time for every client to connect and get going before calls count. */
    private static final Duration RAMP_UP = Duration.ofMillis(300);
    /** ObjectLoadMethods.GROUP_LABEL: what Release by group selects. */
    private static final String GROUP_LABEL = "bpfkeeper.io/group";

    private final AtomicInteger rounds = new AtomicInteger();

    @Override
    public String name() {
        return "durable";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        Duration window = context.options().throughputWindow();
        Path logs = Path.of("bench/target");
        try (BenchDaemonProcess durable = BenchDaemonProcess.start("fsync", context.bpffs(), logs, List.of());
                BenchDaemonProcess unsynced = BenchDaemonProcess.start("no-fsync", context.bpffs(), logs,
                        List.of("--journal-fsync", "off"))) {
            Rounds.Paired<Double> paired = Rounds.paired(context.options(),
                    () -> createsPerSecond(durable, window),
                    () -> createsPerSecond(unsynced, window));
            return List.of(Figure.compared(CLIENTS + " clients, durable CreateMap", Unit.PER_SECOND, paired,
                    Double::doubleValue, "journal without fsync", Target.ratioAtLeast(0.5)));
        }
    }

    /** Runs the closed loops for {@code window}, counts the maps created in it, then releases them all. */
    private double createsPerSecond(ServerProcess daemon, Duration window) throws Exception {
        String group = "bench-durable-" + rounds.incrementAndGet();
        CreateMapRequest request = CreateMapRequest.of("durable", "array", 4, 8, 1)
                .withLabels(Map.of(GROUP_LABEL, group));
        LongAdder creates = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                loops.add(threads.submit(() -> {
                    try (BpfkeeperClient client = daemon.connect()) {
                        while (!stop.get()) {
                            client.createMap(request);
                            creates.increment();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(RAMP_UP.toMillis());
            long before = creates.sum();
            long start = System.nanoTime();
            Thread.sleep(window.toMillis());
            long counted = creates.sum() - before;
            long elapsed = System.nanoTime() - start;
            stop.set(true);
            for (Future<?> loop : loops) {
                loop.get();
            }
            return counted * 1e9 / elapsed;
        } finally {
            stop.set(true);
            threads.shutdown();
            try (BpfkeeperClient client = daemon.connect()) {
                client.releaseGroup(group);
            }
        }
    }
}
