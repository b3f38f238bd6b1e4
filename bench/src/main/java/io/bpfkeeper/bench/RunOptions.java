package io.bpfkeeper.bench;

import java.time.Duration;

/**
 * How much each benchmark does; {@link Main} documents each option.
 *
 * @param throughputWindow how long each throughput round counts calls
 * @param heldMaps maps the daemon holds while its memory and its scrapes are measured
 * @param loads LoadObject calls per round, shared among the clients of a concurrent round
 */
record RunOptions(int rounds, int warmupRounds, int lookupCalls, Duration throughputWindow, int batchEntries,
        int heldMaps, int loads) {
}
