package io.bpfkeeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Runs a measurement for the warm-up rounds, whose results are dropped because both JVMs are still
 * compiling the hot paths, then for the rounds that count.
 */
final class Rounds {

    @FunctionalInterface
    interface Measurement<T> {
        T measure() throws Exception;
    }

    /** What the daemon's measurement and its baseline's gave in one round. */
    record Pair<T>(T daemon, T baseline) {
    }

    /** The pairs of every round that counts. */
    record Paired<T>(List<Pair<T>> rounds) {

        List<Double> daemon(ToDoubleFunction<T> metric) {
            return rounds.stream().map(pair -> metric.applyAsDouble(pair.daemon())).toList();
        }

        List<Double> baseline(ToDoubleFunction<T> metric) {
            return rounds.stream().map(pair -> metric.applyAsDouble(pair.baseline())).toList();
        }
    }

    private Rounds() {
    }

    static <T> List<T> run(RunOptions options, Measurement<T> measurement) throws Exception {
        for (int round = 0; round < options.warmupRounds(); round++) {
            measurement.measure();
        }
        List<T> results = new ArrayList<>();
        for (int round = 0; round < options.rounds(); round++) {
            results.add(measurement.measure());
        }
        return results;
    }

    /**
     * Measures the daemon and its baseline once per round, taking turns at going first, so that
     * drift on a noisy machine (another process, the CPU's clock, a collection) falls on both alike.
     */
    static <T> Paired<T> paired(RunOptions options, Measurement<T> daemon, Measurement<T> baseline)
            throws Exception {
        boolean[] daemonFirst = {true};
        return new Paired<>(run(options, () -> {
            T daemonResult;
            T baselineResult;
            if (daemonFirst[0]) {
                daemonResult = daemon.measure();
                baselineResult = baseline.measure();
            } else {
                baselineResult = baseline.measure();
                daemonResult = daemon.measure();
            }
            daemonFirst[0] = !daemonFirst[0];
            return new Pair<>(daemonResult, baselineResult);
        }));
    }
}
