package io.bpfkeeper.bench;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One MapUpdateBatch of a hash map with 4-byte keys and 8-byte values, sent by a client through the
 * daemon, against the same entries written by one BPF_MAP_UPDATE_BATCH in this process. Each round
 * writes into a fresh map on both sides, and only the update is timed: on the daemon's side from
 * the client's call, JSON and all, to its reply.
 */
final class BatchUpdate implements Benchmark {

    private static final int KEY_SIZE = 4;
    private static final int VALUE_SIZE = 8;

    @Override
    public String name() {
        return "batch";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        int count = context.options().batchEntries();
        // Keys and values in the kernel's byte order, which is what the hex on the wire spells too.
        ByteBuffer keys = ByteBuffer.allocate(count * KEY_SIZE).order(ByteOrder.nativeOrder());
        ByteBuffer values = ByteBuffer.allocate(count * VALUE_SIZE).order(ByteOrder.nativeOrder());
        List<Entry> entries = new ArrayList<>(count);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < count; i++) {
            keys.putInt(i);
            values.putLong(i);
            entries.add(new Entry(hex.formatHex(keys.array(), i * KEY_SIZE, (i + 1) * KEY_SIZE),
                    hex.formatHex(values.array(), i * VALUE_SIZE, (i + 1) * VALUE_SIZE)));
        }
        Rounds.Paired<Double> rounds = Rounds.paired(context.options(),
                () -> throughDaemon(context.daemon(), entries),
                () -> direct(keys.array(), values.array(), count));
        return List.of(Figure.compared("MapUpdateBatch of " + String.format("%,d", count) + " entries",
                Unit.PER_SECOND, rounds, Double::doubleValue, "direct BPF_MAP_UPDATE_BATCH", Target.ratioAtLeast(0.5)));
    }

    /** @return entries written per second */
    private static double throughDaemon(DaemonProcess daemon, List<Entry> entries) {
        // A session lifetime: the map goes when the connection closes.
        try (BpfkeeperClient client = daemon.connect()) {
            long mapId = client.createMap(CreateMapRequest.of("bench_batch", "hash", KEY_SIZE, VALUE_SIZE,
                    entries.size()).withLifetime(Lifetime.SESSION)).id();
            long start = System.nanoTime();
            long written = client.mapUpdateBatch(mapId, entries, null);
            long elapsed = System.nanoTime() - start;
            return entriesPerSecond(written, entries.size(), elapsed);
        }
    }

    /** @return entries written per second */
    private static double direct(byte[] keys, byte[] values, int count) {
        try (BpfMap map = BpfMap.create(new MapSpec("bench_direct", MapType.HASH, KEY_SIZE, VALUE_SIZE, count, 0))) {
            long start = System.nanoTime();
            int written = map.updateBatch(keys, values, count, BpfMap.UpdateMode.ANY);
            long elapsed = System.nanoTime() - start;
            return entriesPerSecond(written, count, elapsed);
        }
    }

    private static double entriesPerSecond(long written, int count, long nanoseconds) {
        if (written != count) {
            throw new IllegalStateException("the batch wrote " + written + " of " + count + " entries");
        }
        return count * 1e9 / nanoseconds;
    }
}
