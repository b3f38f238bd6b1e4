package io.bpfkeeper.daemon.bench;

import io.bpfkeeper.daemon.inspect.Explainer;
import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProgramSpec;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.ResourceLimits;
import io.bpfkeeper.daemon.metrics.DaemonMetrics;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.testing.BpffsMount;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The two performance targets of issue 6, each measured as a ratio in one run on one host:
 * <ul>
 *   <li>Explain of one program takes at most 2x what {@code bpftool prog show id N} takes, with
 *       2,000 other processes and 5,000 other BPF objects (pinned maps) on the host;</li>
 *   <li>a metrics scrape with 10,000 owned objects costs at most 10x a scrape with none.</li>
 * </ul>
 * A main of its own, outside the test suite (speed is measured here, never asserted in tests), so
 * that the bench module can register it. Needs root. Run with
 * {@code java -cp daemon/target/test-classes:daemon/target/classes:daemon/target/lib/* \
 * io.bpfkeeper.daemon.bench.InspectBenchmark}; it prints one line per target and exits non-zero
 * when a target is missed.
 */
public final class InspectBenchmark {

    static final int PROCESSES = 2_000;
    static final int OBJECTS = 5_000;
    static final int OWNED = 10_000;
    static final double EXPLAIN_TARGET = 2.0;
    static final double SCRAPE_TARGET = 10.0;
    private static final int WARMUP = 5;
    private static final int ROUNDS = 21;
    private static final String XDP_PASS = "b700000002000000" + "9500000000000000";

    private InspectBenchmark() {
    }

    /** One measured figure: the medians of both sides, and their ratio against its target. */
    record Ratio(String name, double measuredMillis, double baselineMillis, double target) {
        double ratio() {
            return measuredMillis / baselineMillis;
        }

        boolean met() {
            return ratio() <= target;
        }

        @Override
        public String toString() {
            return String.format("%s: %.2f ms vs %.2f ms = %.2fx (target <= %.0fx) %s", name, measuredMillis,
                    baselineMillis, ratio(), target, met() ? "met" : "MISSED");
        }
    }

    public static void main(String[] args) throws Exception {
        ResourceLimits.raiseOpenFilesToHardLimit();
        Ratio explain = explainVersusBpftool();
        System.out.println(explain);
        Ratio scrape = scrapeWithOwnedObjects();
        System.out.println(scrape);
        System.exit(explain.met() && scrape.met() ? 0 : 1);
    }

    static Ratio explainVersusBpftool() throws IOException {
        List<Process> sleepers = new ArrayList<>();
        try (BpffsMount bpffs = BpffsMount.create();
                BpfProgram program = BpfProgram.load(new ProgramSpec("bench", ProgramType.XDP,
                        HexFormat.of().parseHex(XDP_PASS), "GPL", null, 0)).program()) {
            for (int i = 0; i < OBJECTS; i++) {
                try (BpfMap map = BpfMap.create(new MapSpec("bench" + i, MapType.ARRAY, 4, 8, 1, 0))) {
                    BpfFs.pin(map.fd(), bpffs.path().resolve("m" + i));
                }
            }
            for (int i = 0; i < PROCESSES; i++) {
                sleepers.add(new ProcessBuilder("sleep", "3600").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
            Explainer explainer = new Explainer(new Registry(), FdStoreLookup.NONE);
            int id = program.id();
            double explainMillis = medianMillis(() -> explainer.explain(ObjectKind.PROGRAM, id).holders().size());
            double bpftoolMillis = medianMillis(() -> run("bpftool", "-j", "prog", "show", "id", Integer.toString(id)));
            return new Ratio("Explain of a program vs bpftool prog show id N (" + PROCESSES + " processes, "
                    + OBJECTS + " objects)", explainMillis, bpftoolMillis, EXPLAIN_TARGET);
        } finally {
            sleepers.forEach(Process::destroyForcibly);
        }
    }

    static Ratio scrapeWithOwnedObjects() {
        Registry registry = new Registry();
        try (DaemonMetrics metrics = new DaemonMetrics(registry, () -> 0, false)) {
            registry.addListener(metrics.ownedObjects());
            double emptyMillis = medianMillis(() -> metrics.scrape().length());
            for (int i = 0; i < OWNED; i++) {
                registry.add(new OwnedObject(Kind.MAP, BpfMap.create(new MapSpec("owned", MapType.ARRAY, 4, 8, 1, 0)),
                        "owned", "array", new Owner(i % 10, 0, 1), Lifetime.DAEMON, 0, Map.of(), Instant.now()));
            }
            double fullMillis = medianMillis(() -> metrics.scrape().length());
            return new Ratio("scrape with " + OWNED + " owned objects vs none", fullMillis, emptyMillis, SCRAPE_TARGET);
        } finally {
            registry.closeAllForShutdown();
        }
    }

    private static long run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(new File("/dev/null")).start();
            return process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The median wall time of {@link #ROUNDS} runs after {@link #WARMUP} unmeasured ones. */
    private static double medianMillis(LongSupplier work) {
        long sink = 0;
        for (int i = 0; i < WARMUP; i++) {
            sink += work.getAsLong();
        }
        long[] nanos = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            sink += work.getAsLong();
            nanos[i] = System.nanoTime() - start;
        }
        if (sink == Long.MIN_VALUE) {
            System.out.println(sink); // keeps the work from being optimized away
        }
        Arrays.sort(nanos);
        return nanos[ROUNDS / 2] / 1e6;
    }
}
