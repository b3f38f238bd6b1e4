package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Loading one small ELF object (clang -target bpf), the two figures of issue 3:
 * <ul>
 *   <li>LoadObject through the daemon, one call at a time on one connection, with the socket round
 *       trip, the base64 and the JSON, against {@code bpftool prog loadall OBJECT DIR} of the same
 *       file in the same rounds, with its fork and exec, pinning its programs in the run's bpffs;</li>
 *   <li>the same number of LoadObject calls shared by 8 clients at once, each on its own connection
 *       and thread and waiting for each reply before its next call, against one client making them
 *       all.</li>
 * </ul>
 * Only the loads are timed. A round releases what it loaded, through the daemon, and removes
 * bpftool's pins after its last load, so that neither side's clean-up falls into the other's loads.
 */
final class ElfLoad implements Benchmark {

    private static final int CONCURRENT_CLIENTS = 8;

    /** The loads of one round: each one's latency, and the time from the first call to the last reply. */
    private record Sample(long[] latencies, long elapsedNanoseconds) {

        long percentile(int percent) {
            return Stats.percentile(latencies, percent);
        }

        double loadsPerSecond() {
            return latencies.length * 1e9 / elapsedNanoseconds;
        }
    }

    /** What one client of a round did: its loads' latencies, the groups they made, when it finished. */
    private record ClientLoads(long[] latencies, List<String> groups, long finished) {
    }

    @Override
    public String name() {
        return "load";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        int loads = context.options().loads();
        if (loads < CONCURRENT_CLIENTS) {
            throw new IllegalArgumentException("--loads must give each of the " + CONCURRENT_CLIENTS
                    + " concurrent clients a load at least");
        }
        Path object = context.elfObject();
        LoadObjectRequest request = LoadObjectRequest.of("bench_load", Files.readAllBytes(object));
        Path pinDirectory = context.bpffs().resolve("bench-loadall");
        DaemonProcess daemon = context.daemon();
        Rounds.Paired<Sample> againstBpftool = Rounds.paired(context.options(),
                () -> throughDaemon(daemon, request, 1, loads),
                () -> withBpftool(object, pinDirectory, loads));
        Rounds.Paired<Sample> concurrent = Rounds.paired(context.options(),
                () -> throughDaemon(daemon, request, CONCURRENT_CLIENTS, loads),
                () -> throughDaemon(daemon, request, 1, loads));
        String clients = CONCURRENT_CLIENTS + " clients";
        return List.of(
                Figure.compared("LoadObject p50", Unit.NANOSECONDS, againstBpftool, sample -> sample.percentile(50),
                        "bpftool prog loadall p50", Target.ratioAtMost(1.2)),
                Figure.compared("LoadObject p99", Unit.NANOSECONDS, againstBpftool, sample -> sample.percentile(99),
                        "bpftool prog loadall p99", null),
                Figure.compared(clients + ", LoadObject p50", Unit.NANOSECONDS, concurrent,
                        sample -> sample.percentile(50), "1 client p50", null),
                Figure.compared(clients + ", LoadObject p99", Unit.NANOSECONDS, concurrent,
                        sample -> sample.percentile(99), "1 client p99", null),
                Figure.compared(clients + ", loads", Unit.PER_SECOND, concurrent, Sample::loadsPerSecond,
                        "1 client", null));
    }

    /**
     * {@code loads} LoadObject calls shared by {@code clients} clients that start together; then
     * releases every group they loaded.
     */
    private static Sample throughDaemon(DaemonProcess daemon, LoadObjectRequest request, int clients, int loads)
            throws Exception {
        int loadsEach = loads / clients;
        List<BpfkeeperClient> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(daemon.connect());
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClientLoads>> running = new ArrayList<>();
            for (BpfkeeperClient connection : connections) {
                running.add(threads.submit(() -> {
                    start.await();
                    return load(connection, request, loadsEach);
                }));
            }
            long begin = System.nanoTime();
            start.countDown();
            List<ClientLoads> results = new ArrayList<>();
            for (Future<ClientLoads> client : running) {
                results.add(client.get());
            }
            long finished = results.stream().mapToLong(ClientLoads::finished).max().orElseThrow();
            // Daemon lifetime, the default: the groups outlive their connections until released here.
            for (ClientLoads result : results) {
                result.groups().forEach(connections.get(0)::releaseGroup);
            }
            long[] latencies = results.stream().flatMapToLong(result -> Arrays.stream(result.latencies()))
                    .toArray();
            return new Sample(latencies, finished - begin);
        } finally {
            threads.shutdownNow();
            connections.forEach(BpfkeeperClient::close);
        }
    }

    private static ClientLoads load(BpfkeeperClient client, LoadObjectRequest request, int loads) {
        long[] latencies = new long[loads];
        List<String> groups = new ArrayList<>(loads);
        for (int i = 0; i < loads; i++) {
            long start = System.nanoTime();
            String group = client.loadObject(request).group();
            latencies[i] = System.nanoTime() - start;
            groups.add(group);
        }
        return new ClientLoads(latencies, groups, System.nanoTime());
    }

    /** {@code loads} runs of bpftool, each pinning into a directory of its own; then removes the pins. */
    private static Sample withBpftool(Path object, Path pinDirectory, int loads) throws Exception {
        // bpftool creates the last directory of the path it pins in, and insists that its parent is on bpffs.
        Files.createDirectories(pinDirectory);
        long[] latencies = new long[loads];
        long begin = System.nanoTime();
        for (int i = 0; i < loads; i++) {
            String pins = pinDirectory.resolve("load" + i).toString();
            long start = System.nanoTime();
            Bpftool.run("prog", "loadall", object.toString(), pins);
            latencies[i] = System.nanoTime() - start;
        }
        long elapsed = System.nanoTime() - begin;
        removeTree(pinDirectory);
        return new Sample(latencies, elapsed);
    }

    /** Unpins every program, which frees each with its maps, as bpftool keeps no other reference. */
    private static void removeTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
