package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.ProgramInfo;
import io.bpfkeeper.daemon.kernel.RunStats;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.protocol.types.Kind;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;

/**
 * Run count, run time and recursion misses of every owned program, labelled with its id, name,
 * type and "group" label. Each scrape reads each program's info once, for all three series. It
 * holds a BPF_ENABLE_STATS fd from construction to {@link #close()}: while it is open the kernel
 * times every run of every program on the host, which is why this is opt-in.
 */
final class ProgramRunStats implements MultiCollector, AutoCloseable {

    /** The owned-object label whose value becomes the series' "group" label. */
    static final String GROUP_LABEL = "group";
    private static final double NANOS_PER_SECOND = 1e9;

    private final Registry registry;
    private final Fd statsEnabled;

    ProgramRunStats(Registry registry) {
        this.registry = registry;
        this.statsEnabled = RunStats.enable();
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder runs = CounterSnapshot.builder().name("bpfkeeper_program_runs")
                .help("Runs of an owned program counted while run statistics were enabled");
        CounterSnapshot.Builder runTime = CounterSnapshot.builder().name("bpfkeeper_program_run_time_seconds")
                .help("Time an owned program ran while run statistics were enabled");
        CounterSnapshot.Builder misses = CounterSnapshot.builder().name("bpfkeeper_program_recursion_misses")
                .help("Runs of an owned program skipped because it was already running on that CPU");
        List<OwnedObject> programs = registry.list(object -> object.kind() == Kind.PROGRAM);
        for (OwnedObject program : programs) {
            ProgramInfo info;
            try {
                info = program.fdHeld().<BpfProgram>kernelObject().freshInfo();
            } catch (BpfException | IllegalStateException e) {
                continue; // released while we looked: its fd is closed
            }
            Labels labels = Labels.of("id", Integer.toString(info.id()), "name", info.name(),
                    "type", info.type().name(), GROUP_LABEL, program.labels().getOrDefault(GROUP_LABEL, ""));
            runs.dataPoint(point(labels, info.runCount()));
            runTime.dataPoint(point(labels, info.runTimeNs() / NANOS_PER_SECOND));
            misses.dataPoint(point(labels, info.recursionMisses()));
        }
        return MetricSnapshots.of(runs.build(), runTime.build(), misses.build());
    }

    private static CounterDataPointSnapshot point(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("bpfkeeper_program_runs", "bpfkeeper_program_run_time_seconds",
                "bpfkeeper_program_recursion_misses");
    }

    /** Turns the kernel's run statistics off again, unless someone else holds them on. */
    @Override
    public void close() {
        statsEnabled.close();
    }
}
