package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.policy.Refusals;
import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.daemon.varlink.CallObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Every metric of the daemon, in one Prometheus registry: requests, connections, owned objects,
 * their locked memory, journal and fd-store operations, JVM metrics and, when asked for, the run
 * statistics of owned programs. Nothing here grows with the number of owned objects unless program
 * statistics are on, so that a scrape stays cheap on a daemon that owns thousands.
 */
public final class DaemonMetrics implements AutoCloseable {

    /**
     * Keeps two of Micrometer's JVM meters from breaking Prometheus naming, so that
     * {@code promtool check metrics} finds nothing: process CPU time comes in nanoseconds
     * ("_ns_total"; process_cpu_usage stays), and a CPU count gauge must not end in "_count".
     */
    private static final MeterFilter PROMETHEUS_CLEAN = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
        }
    };

    private static final String JOURNAL_OPERATIONS_NAME = "bpfkeeper.journal.operations";
    private static final String JOURNAL_OPERATIONS_HELP = "Operations on the state journal";
    private static final List<String> JOURNAL_OPERATIONS = List.of("read", "append", "snapshot");
    private static final String FD_STORE_OPERATIONS_NAME = "bpfkeeper.fdstore.operations";
    private static final String FD_STORE_OPERATIONS_HELP = "Operations on systemd's fd store";
    private static final List<String> FD_STORE_OPERATIONS = List.of("store", "remove");

    private final PrometheusMeterRegistry meters = prometheusRegistry();
    private final RequestMetrics requests = new RequestMetrics(meters);
    private final OwnedObjectMetrics ownedObjects;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ProgramRunStats programStats;

    /** Counts the policy's refusals as bpfkeeper_refused_total{reason}, reason being the missing grant. */
    public Refusals refusals() {
        return reason -> Counter.builder("bpfkeeper.refused")
                .description("Calls the policy refused, by the grant that was missing")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    /**
     * @param usage what each uid owns: its objects and their locked memory
     * @param openConnections how many clients are connected now
     * @param programStats whether to enable and export program run statistics (costly; see
     *     {@link io.bpfkeeper.daemon.config.MetricsConfig})
     */
    public DaemonMetrics(Registry registry, Usage usage, IntSupplier openConnections, boolean programStats) {
        this.ownedObjects = new OwnedObjectMetrics(meters, usage);
        Gauge.builder("bpfkeeper.connections.open", openConnections::getAsInt)
                .description("Varlink client connections open now")
                .register(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        registerOperationCounters();
        this.programStats = programStats ? new ProgramRunStats(registry) : null;
        if (this.programStats != null) {
            meters.getPrometheusRegistry().register(this.programStats);
        }
    }

    /** Filters must be in place before the first meter registers, as the field initializers do. */
    private static PrometheusMeterRegistry prometheusRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(PROMETHEUS_CLEAN);
        return registry;
    }

    /** Exports {@code bpfkeeper_bytes_in_flight}: what clients' messages, calls and replies hold now. */
    public void watchBytesInFlight(LongSupplier bytes) {
        Gauge.builder("bpfkeeper.bytes.in.flight", () -> (double) bytes.getAsLong())
                .description("Bytes of Varlink messages being received, calls queued or running, and replies not"
                        + " yet written")
                .register(meters);
    }

    /** Told about every finished Varlink call. */
    public CallObserver calls() {
        return requests;
    }

    /** Follows the registry, for the owned-object and locked-memory gauges. */
    public RegistryListener ownedObjects() {
        return ownedObjects;
    }

    /**
     * Counts one operation on the state journal: "append", one durable append to its log that any
     * number of calls may share; "snapshot", a durable rewrite of the whole journal; "read" at start.
     *
     * @param ok whether it succeeded
     */
    public void journalOperation(String operation, boolean ok) {
        operationCounter(JOURNAL_OPERATIONS_NAME, JOURNAL_OPERATIONS_HELP, operation, ok).increment();
    }

    /**
     * Counts one operation on systemd's fd store: "store" or "remove", as sent to systemd.
     *
     * @param ok whether systemd took the message
     */
    public void fdStoreOperation(String operation, boolean ok) {
        operationCounter(FD_STORE_OPERATIONS_NAME, FD_STORE_OPERATIONS_HELP, operation, ok).increment();
    }

    private Counter operationCounter(String name, String description, String operation, boolean ok) {
        return Counter.builder(name)
                .description(description)
                .tag("operation", operation)
                .tag("outcome", ok ? "ok" : "error")
                .register(meters);
    }

    /** Every operation's series from the start, at 0, so that a rate needs no first occurrence. */
    private void registerOperationCounters() {
        for (boolean ok : new boolean[] {true, false}) {
            for (String operation : JOURNAL_OPERATIONS) {
                operationCounter(JOURNAL_OPERATIONS_NAME, JOURNAL_OPERATIONS_HELP, operation, ok);
            }
            for (String operation : FD_STORE_OPERATIONS) {
                operationCounter(FD_STORE_OPERATIONS_NAME, FD_STORE_OPERATIONS_HELP, operation, ok);
            }
        }
    }

    /** Everything in the Prometheus text format. */
    public String scrape() {
        ownedObjects.refreshPerUid();
        return meters.scrape();
    }

    @Override
    public void close() {
        if (programStats != null) {
            programStats.close();
        }
        gc.close();
        meters.close();
    }
}
