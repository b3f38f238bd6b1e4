package io.bpfkeeper.bench;

import java.time.Duration;

/**
 * How much each benchmark does; {@link Main} documents each option.
 *
 * @param throughputWindow how long each throughput round counts calls
 */
record RunOptions(int rounds, int warmupRounds, int lookupCalls, Duration throughputWindow, int batchEntries,
        int heldMaps) {
}
