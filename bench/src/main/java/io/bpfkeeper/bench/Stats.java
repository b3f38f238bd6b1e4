package io.bpfkeeper.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of the samples of one round, and medians across rounds. */
final class Stats {

    private Stats() {
    }

    /**
     * The nearest-rank percentile: the smallest sample that at least {@code percent}% of the samples
     * do not exceed. Sorts {@code samples} in place.
     */
    static long percentile(long[] samples, double percent) {
        Arrays.sort(samples);
        int rank = (int) Math.ceil(percent / 100 * samples.length);
        return samples[Math.max(0, rank - 1)];
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
