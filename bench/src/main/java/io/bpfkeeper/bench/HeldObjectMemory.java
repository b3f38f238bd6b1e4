package io.bpfkeeper.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The daemon's memory while it holds many maps ({@link HeldMaps}), against the same daemon holding
 * none just before, and the live heap that each held map costs, from the daemon's class histograms.
 */
final class HeldObjectMemory implements Benchmark {

    /** How many classes that grew most the report names, to say where the heap per map goes. */
    private static final int CLASSES_SHOWN = 8;

    /** What the daemon used at one moment. */
    private record Snapshot(long residentBytes, HeapHistogram heap) {

        static Snapshot of(DaemonProcess daemon) throws Exception {
            // The histogram first: its full collection leaves the RSS without garbage pending.
            HeapHistogram heap = daemon.liveHeap();
            return new Snapshot(daemon.residentBytes(), heap);
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        DaemonProcess daemon = context.daemon();
        int count = context.options().heldMaps();
        Rounds.Paired<Snapshot> rounds = HeldMaps.holdingAgainstNone(context, heldMaps -> Snapshot.of(daemon));
        String held = String.format("%,d", count);
        List<Figure> figures = new ArrayList<>(List.of(
                Figure.compared("RSS holding " + held + " maps", Unit.BYTES, rounds,
                        Snapshot::residentBytes, "RSS holding none", null),
                perMap(rounds, "heap per held map", round ->
                        round.daemon().heap().totalBytes() - round.baseline().heap().totalBytes(), count,
                        Target.valueAtMost(2048))));
        Rounds.Pair<Snapshot> last = rounds.rounds().get(rounds.rounds().size() - 1);
        last.daemon().heap().bytesByClass().keySet().stream()
                .sorted(Comparator.comparingLong(
                        (String name) -> last.daemon().heap().growthOf(name, last.baseline().heap())).reversed())
                .limit(CLASSES_SHOWN)
                .forEach(name -> figures.add(perMap(rounds, "  of which " + name, round ->
                        round.daemon().heap().growthOf(name, round.baseline().heap()), count, null)));
        return figures;
    }

    @FunctionalInterface
    private interface Growth {
        long of(Rounds.Pair<Snapshot> round);
    }

    private static Figure perMap(Rounds.Paired<Snapshot> rounds, String name, Growth growth, int count,
            Target target) {
        List<Double> perMap = rounds.rounds().stream().map(round -> (double) growth.of(round) / count).toList();
        return Figure.absolute(name, Unit.BYTES, perMap, target);
    }
}
