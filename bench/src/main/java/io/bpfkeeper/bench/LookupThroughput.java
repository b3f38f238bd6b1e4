package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * MapLookup calls per second with 1, 4 and 16 clients, each on its own connection and thread and
 * waiting for each reply before its next call, against the same clients of the echo server. On 2
 * cores the server and the clients share the CPUs, so each count also reports the CPU time that the
 * server process and this one (the clients) spent per call: where the machine's time went.
 */
final class LookupThroughput implements Benchmark {

    private static final int[] CLIENT_COUNTS = {1, 4, 16};
    /** The client count whose ratio has a target. */
    private static final int TARGET_CLIENTS = 4;
    /** Time for every client to connect and get going before calls count. */
    private static final Duration RAMP_UP = Duration.ofMillis(300);

    /** What one round of closed loops achieved, and the CPU time it cost each side per call. */
    private record Sample(double callsPerSecond, double serverCpuPerCall, double clientCpuPerCall) {
    }

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        Duration window = context.options().throughputWindow();
        EchoServerProcess echo = context.echo();
        List<Figure> figures = new ArrayList<>();
        try (LookupTarget target = LookupTarget.create(context.daemon())) {
            for (int clients : CLIENT_COUNTS) {
                Rounds.Paired<Sample> rounds = Rounds.paired(context.options(),
                        () -> closedLoops(context.daemon(), clients, target, window),
                        () -> closedLoops(echo, clients, target, window));
                String name = clients + (clients == 1 ? " client" : " clients");
                figures.add(Figure.compared(name, Unit.PER_SECOND, rounds, Sample::callsPerSecond, "echo",
                        clients == TARGET_CLIENTS ? Target.ratioAtLeast(0.6) : null));
                figures.add(Figure.compared(name + ", server CPU per call", Unit.NANOSECONDS, rounds,
                        Sample::serverCpuPerCall, "echo", null));
                figures.add(Figure.compared(name + ", client CPU per call", Unit.NANOSECONDS, rounds,
                        Sample::clientCpuPerCall, "echo", null));
            }
        }
        return figures;
    }

    /** Runs {@code clients} closed loops of lookups and counts the calls they finish within {@code window}. */
    private static Sample closedLoops(ServerProcess server, int clients, LookupTarget target, Duration window)
            throws Exception {
        LongAdder calls = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                loops.add(threads.submit(() -> {
                    try (BpfkeeperClient client = server.connect()) {
                        while (!stop.get()) {
                            target.lookup(client);
                            calls.increment();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(RAMP_UP.toMillis());
            long callsBefore = calls.sum();
            long serverCpuBefore = server.cpuNanoseconds();
            long clientCpuBefore = ProcessCpu.nanoseconds(ProcessHandle.current().pid());
            long start = System.nanoTime();
            Thread.sleep(window.toMillis());
            long counted = calls.sum() - callsBefore;
            long serverCpu = server.cpuNanoseconds() - serverCpuBefore;
            long clientCpu = ProcessCpu.nanoseconds(ProcessHandle.current().pid()) - clientCpuBefore;
            long elapsed = System.nanoTime() - start;
            stop.set(true);
            for (Future<?> loop : loops) {
                loop.get();
            }
            return new Sample(counted * 1e9 / elapsed, (double) serverCpu / counted, (double) clientCpu / counted);
        } finally {
            stop.set(true);
            threads.shutdown();
        }
    }
}
