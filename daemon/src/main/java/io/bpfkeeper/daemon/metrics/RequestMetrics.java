package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.varlink.CallObserver;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests by method and outcome, a latency histogram per method, and program load failures by
 * reason. Label values come only from the server's own method and error names, so their number
 * is bounded whatever clients send.
 */
final class RequestMetrics implements CallObserver {

    /** The method label of calls that named no method the daemon serves. */
    static final String UNKNOWN_METHOD = "unknown";

    /**
     * Fixed buckets from 50 µs (a map lookup on the event loop) to 10 s (a large program in the
     * verifier): a dozen series per method instead of Micrometer's seventy-odd default ones.
     */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /**
     * Each method's meters, found once: building a meter's id and looking it up in the registry
     * on every call cost a MapLookup more than the rest of its Java work (a fifth of the daemon's
     * Java samples in the throughput benchmark).
     */
    private final ConcurrentMap<String, MethodMeters> byMethod = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void finished(String method, String outcome, long durationNanos) {
        MethodMeters meters = byMethod.computeIfAbsent(method != null ? method : UNKNOWN_METHOD, MethodMeters::new);
        meters.requests(outcome).increment();
        meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        if (BpfkeeperInterface.LOAD_PROGRAM.equals(method) && !OK.equals(outcome)) {
            Counter.builder("bpfkeeper.load.failures")
                    .description("Program loads that failed, by reason: the Varlink error they failed with")
                    .tag("reason", outcome)
                    .register(registry)
                    .increment();
        }
    }

    /** The request counters, by outcome, and the latency histogram of one method label. */
    private final class MethodMeters {

        private final String methodLabel;
        private final Timer duration;
        private final ConcurrentMap<String, Counter> requests = new ConcurrentHashMap<>();

        MethodMeters(String methodLabel) {
            this.methodLabel = methodLabel;
            this.duration = Timer.builder("bpfkeeper.request.duration")
                    .description("Time from the start of a call's handling to its last reply")
                    .tag("method", methodLabel)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }

        Counter requests(String outcome) {
            return requests.computeIfAbsent(outcome, this::newRequestCounter);
        }

        private Counter newRequestCounter(String outcome) {
            return Counter.builder("bpfkeeper.requests")
                    .description("Varlink calls by method and outcome (ok, disconnected, or the error name)")
                    .tag("method", methodLabel)
                    .tag("outcome", outcome)
                    .register(registry);
        }
    }
}
