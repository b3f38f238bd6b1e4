package io.bpfkeeper.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * One reported figure: the daemon's value in each round and, where there is one, the baseline's
 * value in the same rounds. The report shows medians across rounds.
 *
 * @param baseline what the daemon is compared with; null for a figure with an absolute target
 * @param baselineRounds empty when there is no baseline
 * @param target null for a figure reported for context only
 */
record Figure(String name, Unit unit, List<Double> rounds, String baseline, List<Double> baselineRounds,
        Target target) {

    /** Compares {@code metric} of the daemon's result with that of its baseline's, round by round. */
    static <T> Figure compared(String name, Unit unit, Rounds.Paired<T> rounds, ToDoubleFunction<T> metric,
            String baseline, Target target) {
        return new Figure(name, unit, rounds.daemon(metric), baseline, rounds.baseline(metric), target);
    }

    static Figure absolute(String name, Unit unit, List<Double> rounds, Target target) {
        return new Figure(name, unit, rounds, null, List.of(), target);
    }

    boolean hasBaseline() {
        return baseline != null;
    }

    double value() {
        return Stats.median(rounds);
    }

    double baselineValue() {
        return Stats.median(baselineRounds);
    }

    /**
     * The median of the rounds' ratios rather than the ratio of the medians: each round measures
     * both sides back to back, so its ratio cancels load that other processes put on the machine
     * for longer than a round, while the medians of either side mix rounds under different loads.
     */
    double ratio() {
        return Stats.median(roundRatios());
    }

    /** The ratio of each round on its own: their spread shows how noisy the run was. */
    List<Double> roundRatios() {
        return IntStream.range(0, rounds.size()).mapToObj(i -> rounds.get(i) / baselineRounds.get(i)).toList();
    }
}
