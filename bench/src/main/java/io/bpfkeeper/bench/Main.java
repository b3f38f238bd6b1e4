package io.bpfkeeper.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the benchmarks against a running daemon and reports each figure as a ratio against a
 * baseline measured in the same run. scripts/bench starts the daemon and runs this; see
 * docs/benchmarks.md.
 */
@Command(name = "bench", sortOptions = false,
        description = "Measures a running bpfkeeperd against baselines measured in the same run.")
public final class Main implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--socket", required = true, paramLabel = "PATH", description = "the daemon's socket")
    Path socket;

    @Option(names = "--daemon-pid", required = true, paramLabel = "PID",
            description = "the daemon's process, whose CPU time, memory and JFR recordings are read")
    long daemonPid;

    @Option(names = "--metrics-address", required = true, paramLabel = "HOST:PORT",
            description = "where the daemon serves its Prometheus metrics (its --metrics-address)")
    String metricsAddress;

    @Option(names = "--bpffs", required = true, paramLabel = "DIR",
            description = "a private bpffs mount, the daemon's pin root, where the baselines pin too")
    Path bpffs;

    @Option(names = "--elf-object", required = true, paramLabel = "FILE",
            description = "the small ELF object (clang -target bpf) that the load benchmark loads")
    Path elfObject;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "run only these benchmarks (comma-separated): ${COMPLETION-CANDIDATES}",
            completionCandidates = BenchmarkNames.class)
    List<String> only = Benchmarks.names();

    @Option(names = "--rounds", paramLabel = "N", description = "rounds that count; figures are their medians "
            + "(default: ${DEFAULT-VALUE})")
    int rounds = 7;

    @Option(names = "--warmup-rounds", paramLabel = "N", description = "rounds run first and dropped "
            + "(default: ${DEFAULT-VALUE})")
    int warmupRounds = 2;

    @Option(names = "--iterations", paramLabel = "N", description = "MapLookup calls per latency round "
            + "(default: ${DEFAULT-VALUE})")
    int lookupCalls = 50_000;

    @Option(names = "--seconds", paramLabel = "S", description = "how long each throughput round counts calls "
            + "(default: ${DEFAULT-VALUE})")
    double throughputSeconds = 2;

    @Option(names = "--batch-entries", paramLabel = "N", description = "entries of the MapUpdateBatch "
            + "(default: ${DEFAULT-VALUE})")
    int batchEntries = 100_000;

    @Option(names = "--held-maps", paramLabel = "N", description = "maps the daemon holds while its memory and "
            + "its metrics scrapes are measured (default: ${DEFAULT-VALUE})")
    int heldMaps = 10_000;

    @Option(names = "--loads", paramLabel = "N", description = "LoadObject calls per load round, shared by the "
            + "clients of a concurrent round (default: ${DEFAULT-VALUE})")
    int loads = 200;

    @Option(names = "--output", paramLabel = "FILE", description = "where the JSON results go "
            + "(default: ${DEFAULT-VALUE})")
    Path output = Path.of("bench/target/bench-results.json");

    @Option(names = "--profile", description = "record the daemon with JFR during each benchmark, beside the "
            + "JSON results, and print where its time went")
    boolean profile;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Benchmark> benchmarks = Benchmarks.selected(only);
        RunOptions options = new RunOptions(rounds, warmupRounds, lookupCalls,
                Duration.ofMillis(Math.round(throughputSeconds * 1000)), batchEntries, heldMaps, loads);
        String loadBefore = loadAverage();
        List<Report.Section> sections = new ArrayList<>();
        DaemonProcess daemon = new DaemonProcess(socket, daemonPid,
                URI.create("http://" + metricsAddress + "/metrics"));
        try (BenchContext context = new BenchContext(options, daemon, bpffs, elfObject)) {
            for (Benchmark benchmark : benchmarks) {
                System.err.println("bench: running " + benchmark.name());
                DaemonProfile recording = profile
                        ? DaemonProfile.start(daemon, benchmark.name(), output.toAbsolutePath().getParent())
                        : null;
                List<Figure> figures = benchmark.run(context);
                if (recording != null) {
                    System.out.println("Where the daemon's time went during " + benchmark.name() + ": "
                            + recording.stop());
                }
                sections.add(new Report.Section(benchmark.name(), figures));
            }
        }
        Report report = new Report(environment(loadBefore, loadAverage()), sections);
        report.print(System.out);
        report.writeJson(output);
        System.err.println("bench: results written to " + output);
        return 0;
    }

    /**
     * The run shares the machine's 2 cores with whatever else runs, such as other builds; the load
     * average before and after says how much that was.
     */
    private ObjectNode environment(String loadBefore, String loadAfter) {
        return JsonNodeFactory.instance.objectNode()
                .put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("kernel", System.getProperty("os.version"))
                .put("cpus", Runtime.getRuntime().availableProcessors())
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
                .put("loadAverageBefore", loadBefore)
                .put("loadAverageAfter", loadAfter)
                .put("arguments", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    }

    /** The 1, 5 and 15-minute load averages. */
    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    /** The names that --only accepts, for its help. */
    static final class BenchmarkNames extends ArrayList<String> {
        BenchmarkNames() {
            super(Benchmarks.names());
        }
    }
}
