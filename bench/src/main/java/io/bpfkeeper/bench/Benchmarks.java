package io.bpfkeeper.bench;

import java.util.List;
import java.util.stream.Collectors;

/** Every benchmark, in the order they run. A new benchmark is one class and one line here. */
final class Benchmarks {

    static final List<Benchmark> ALL = List.of(
            // First, so that the RSS it reports is that of a daemon holding maps, not of one whose heap
            // a 4 MB batch has grown.
            new HeldObjectMemory(),
            new LookupLatency(),
            new LookupThroughput(),
            new BatchUpdate(),
            new ElfLoad(),
            new ExplainLatency(),
            new MetricsScrape(),
            new DurableCreateMap());

    private Benchmarks() {
    }

    static List<String> names() {
        return ALL.stream().map(Benchmark::name).collect(Collectors.toList());
    }

    /** The benchmarks among {@code names}, in their registered order. */
    static List<Benchmark> selected(List<String> names) {
        for (String name : names) {
            if (!names().contains(name)) {
                throw new IllegalArgumentException("no benchmark named " + name + "; there are " + names());
            }
        }
        return ALL.stream().filter(benchmark -> names.contains(benchmark.name())).collect(Collectors.toList());
    }
}
