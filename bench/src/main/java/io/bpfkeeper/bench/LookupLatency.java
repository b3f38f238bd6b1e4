package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.util.List;

/**
 * MapLookup round trips on one connection, one call at a time, against the same calls answered by
 * the echo server: what the daemon adds to the bare cost of a Varlink round trip over a Unix
 * socket with this client.
 */
final class LookupLatency implements Benchmark {

    @Override
    public String name() {
        return "lookup";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        int calls = context.options().lookupCalls();
        try (LookupTarget target = LookupTarget.create(context.daemon());
                BpfkeeperClient daemon = context.daemon().connect();
                BpfkeeperClient echo = context.echo().connect()) {
            Rounds.Paired<long[]> rounds = Rounds.paired(context.options(),
                    () -> latencies(target, daemon, calls), () -> latencies(target, echo, calls));
            return List.of(percentile(rounds, 50, Target.ratioAtMost(1.5)), percentile(rounds, 99, null));
        }
    }

    private static Figure percentile(Rounds.Paired<long[]> rounds, int percent, Target target) {
        return Figure.compared("MapLookup p" + percent, Unit.NANOSECONDS, rounds,
                latencies -> Stats.percentile(latencies, percent), "echo p" + percent, target);
    }

    private static long[] latencies(LookupTarget target, BpfkeeperClient client, int calls) {
        long[] latencies = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            target.lookup(client);
            latencies[i] = System.nanoTime() - start;
        }
        return latencies;
    }
}
