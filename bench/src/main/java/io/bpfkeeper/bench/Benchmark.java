package io.bpfkeeper.bench;

import java.util.List;

/**
 * One benchmark: it measures the daemon and a baseline in the same rounds and returns the figures
 * that compare them. Register a new one in {@link Benchmarks}.
 */
interface Benchmark {

    /** The name that {@code --only} takes and the report shows. */
    String name();

    List<Figure> run(BenchContext context) throws Exception;
}
