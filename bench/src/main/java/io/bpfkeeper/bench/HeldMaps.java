package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps that the daemon holds while a benchmark measures it: array maps of one entry, the cheapest
 * kind, created through the daemon with its default daemon lifetime and released on close.
 */
final class HeldMaps implements AutoCloseable {

    private final BpfkeeperClient client;
    private final List<Long> ids;

    private HeldMaps(BpfkeeperClient client, List<Long> ids) {
        this.client = client;
        this.ids = ids;
    }

    /** What a benchmark measures of the daemon while it holds a number of maps. */
    @FunctionalInterface
    interface Measurement<T> {
        T measure(int heldMaps) throws Exception;
    }

    /**
     * Rounds that each measure the daemon holding no maps, then create {@code --held-maps} maps,
     * measure it holding them and release them: each round's pair is (holding, none).
     */
    static <T> Rounds.Paired<T> holdingAgainstNone(BenchContext context, Measurement<T> measurement)
            throws Exception {
        DaemonProcess daemon = context.daemon();
        int count = context.options().heldMaps();
        return new Rounds.Paired<>(Rounds.run(context.options(), () -> {
            T none = measurement.measure(0);
            try (BpfkeeperClient client = daemon.connect(); HeldMaps maps = create(client, count)) {
                return new Rounds.Pair<>(measurement.measure(count), none);
            }
        }));
    }

    /** Creates {@code count} maps through {@code client}, which must stay open until this closes. */
    static HeldMaps create(BpfkeeperClient client, int count) {
        HeldMaps maps = new HeldMaps(client, new ArrayList<>(count));
        try {
            for (int i = 0; i < count; i++) {
                maps.ids.add(client.createMap(CreateMapRequest.of("bench_held", "array", 4, 8, 1)).id());
            }
        } catch (RuntimeException e) {
            maps.close();
            throw e;
        }
        return maps;
    }

    @Override
    public void close() {
        for (long id : ids) {
            client.release(Kind.MAP, id);
        }
    }
}
