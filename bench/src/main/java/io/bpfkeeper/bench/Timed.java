package io.bpfkeeper.bench;

import java.util.ArrayList;
import java.util.List;

/** The wall time of calls made one after another, timed each with System.nanoTime. */
final class Timed {

    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    private Timed() {
    }

    /** The median wall time of {@code calls} calls in a row, in nanoseconds. */
    static double median(int calls, Call call) throws Exception {
        List<Double> times = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.run();
            times.add((double) (System.nanoTime() - start));
        }
        return Stats.median(times);
    }
}
