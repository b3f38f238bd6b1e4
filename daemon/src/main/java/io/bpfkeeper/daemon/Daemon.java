package io.bpfkeeper.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.api.BpfkeeperApi;
import io.bpfkeeper.daemon.api.PinPaths;
import io.bpfkeeper.daemon.config.DaemonConfig;
import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.kernel.ResourceLimits;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.metrics.DaemonMetrics;
import io.bpfkeeper.daemon.metrics.MetricsEndpoint;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import io.bpfkeeper.daemon.policy.PolicyException;
import io.bpfkeeper.daemon.policy.PolicyStore;
import io.bpfkeeper.daemon.policy.Refusals;
import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.FdStoreRoom;
import io.bpfkeeper.daemon.registry.Holdings;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.state.Journal;
import io.bpfkeeper.daemon.state.JournalWriter;
import io.bpfkeeper.daemon.state.Recovery;
import io.bpfkeeper.daemon.systemd.SystemdService;
import io.bpfkeeper.daemon.varlink.CallObserver;
import io.bpfkeeper.daemon.varlink.ServiceInfo;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.daemon.varlink.VarlinkServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: the registry of owned objects, served over Varlink. */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final Duration CALLS_IN_FLIGHT_DEADLINE = Duration.ofSeconds(30);

    private final DaemonConfig config;
    private final Registry registry = new Registry();
    private final PinPaths pinPaths;
    private final PolicyStore policies;
    private final VarlinkServer server;
    /** Null when metrics are off. */
    private final DaemonMetrics metrics;
    private MetricsEndpoint metricsEndpoint;
    private SystemdService systemd;
    /** Explain's view of systemd's fd store, which start() meets only after the API is built. */
    private volatile FdStoreLookup fdStore = FdStoreLookup.NONE;
    /** The API's view of the room in systemd's fd store, which start() meets only after the API is built. */
    private volatile FdStoreRoom fdStoreRoom = FdStoreRoom.NONE;
    private final Journal journal;
    private final JournalWriter journalWriter;
    private boolean stopped;

    /** Builds the daemon; {@code extraInterfaces} lets tests serve more, such as the certification one. */
    public Daemon(DaemonConfig config, List<VarlinkInterface> extraInterfaces) {
        this.config = config;
        this.pinPaths = new PinPaths(config.pinRoot());
        if (pinPaths.unusableReason() != null) {
            log.warn("pins are unavailable: {}", pinPaths.unusableReason());
        }
        try {
            this.policies = PolicyStore.open(config.policyDir());
        } catch (PolicyException e) {
            throw new IllegalArgumentException("bad policy: " + e.getMessage(), e);
        }
        Usage usage = new Usage();
        registry.addListener(usage);
        this.metrics = config.metrics().enabled()
                ? new DaemonMetrics(registry, usage, this::openConnections, config.metrics().programStats())
                : null;
        BpfkeeperApi api = new BpfkeeperApi(registry, pinPaths, Clock.systemUTC(), key -> fdStore.entryOf(key),
                () -> fdStoreRoom, policies, usage, metrics != null ? metrics.refusals() : Refusals.NONE, config.limits());
        if (metrics != null) {
            registry.addListener(metrics.ownedObjects());
            metrics.watchBytesInFlight(this::bytesInFlight);
        }
        this.journal = new Journal(config.stateDir(), Clock.systemUTC(), config.journalFsync(),
                metrics != null ? metrics::journalOperation : OperationCounter.NONE);
        this.journalWriter = new JournalWriter(journal, registry);
        List<VarlinkInterface> interfaces = new ArrayList<>();
        interfaces.add(api.varlinkInterface());
        interfaces.addAll(extraInterfaces);
        this.server = new VarlinkServer(
                new ServiceInfo("bpfkeeper", "bpfkeeperd", Version.current(), "https://github.com/bpfkeeper/bpfkeeper"),
                interfaces,
                VarlinkServer.ServerOptions.of(config.maxMessageBytes(), config.limits()),
                new ObjectMapper(), api.errors(), api.sessions(),
                metrics != null ? metrics.calls() : CallObserver.NONE,
                // A call that changed what the journal records replies once the journal holds it.
                journalWriter::takeAwaitedByThisThread);
    }

    /**
     * Reads the policy files again, as SIGHUP asks; a bad file keeps the policy in force.
     *
     * @return whether the new policy is in force
     */
    public boolean reloadPolicy() {
        return policies.reload();
    }

    public Registry registry() {
        return registry;
    }

    private int openConnections() {
        return server.openConnections();
    }

    private long bytesInFlight() {
        return server.bytesInFlight();
    }

    /** Where metrics are served, once started; empty when they are off. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsEndpoint).map(MetricsEndpoint::address);
    }

    public void start() throws IOException {
        long openFiles = ResourceLimits.raiseOpenFilesToHardLimit();
        boolean memlockLifted = ResourceLimits.liftLockedMemoryLimit();
        log.info("open file limit {}; locked memory limit {}", openFiles, memlockLifted ? "lifted" : "unchanged");
        Files.createDirectories(config.stateDir());
        systemd = SystemdService.fromEnvironment(System.getenv());
        if (!config.journalFsync()) {
            log.warn("the journal is written without fsync (--journal-fsync off), for benchmarks only: a crash of the"
                    + " machine can lose objects whose calls were answered");
        }
        new Recovery(registry, pinPaths.directory(), pinPaths.unusableReason(), Clock.systemUTC())
                .run(journal, systemd.takeStoredObjects());
        // Order matters: the fd store follows the registry before the journal does, so that a new object
        // is in the store before the journal records it (see FdStore).
        systemd.follow(registry, journalWriter::afterRecorded,
                metrics != null ? metrics::fdStoreOperation : OperationCounter.NONE);
        journalWriter.follow();
        fdStore = systemd.fdStore();
        fdStoreRoom = systemd.fdStoreRoom();
        Optional<Fd> activated = systemd.takeListeningSocket();
        if (activated.isPresent()) {
            server.adopt(activated.get().release());
        } else {
            server.bind(config.socket(), DaemonConfig.SOCKET_PERMISSIONS);
        }
        if (metrics != null) {
            metricsEndpoint = MetricsEndpoint.start(config.metrics().address(), metrics::scrape);
            InetSocketAddress address = metricsEndpoint.address();
            log.info("serving Prometheus metrics on http://{}:{}/metrics{}", address.getHostString(), address.getPort(),
                    config.metrics().programStats()
                            ? "; program run statistics are on, which costs time on every run of every program" : "");
        }
        if (!systemd.hasFdStore()) {
            log.warn("no systemd fd store: unpinned daemon-lifetime objects will not survive this daemon; pin them,"
                    + " or run it as bpfkeeper.service");
        }
        systemd.ready();
    }

    /**
     * Stops the way SIGTERM should: no new calls, the calls in flight finish, then every fd is
     * closed, and the log says what that means for each lifetime class.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (systemd != null) {
            systemd.stopping();
        }
        // Session objects go as their connections close, below; count them first.
        Holdings atStop = Holdings.of(registry);
        log.info("stopping: no new calls; waiting up to {}s for calls in flight", CALLS_IN_FLIGHT_DEADLINE.toSeconds());
        server.stopAccepting();
        try {
            if (!server.finishCalls(CALLS_IN_FLIGHT_DEADLINE)) {
                log.warn("calls still running at the deadline; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journalWriter.close();
        reportFates(atStop, Holdings.of(registry), systemd != null && systemd.hasFdStore());
        registry.closeAllForShutdown();
        server.close();
        pinPaths.close();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (systemd != null) {
            systemd.close();
        }
        log.info("stopped");
    }

    /** @param held what is left once the calls in flight finished and the connections closed */
    private static void reportFates(Holdings atStop, Holdings held, boolean fdStore) {
        log.info("released {} session-lifetime objects: the kernel frees them unless another holder remains{}",
                atStop.session(), atStop.sessionPinned() == 0 ? "" : " (" + atStop.sessionPinned() + " are pinned:"
                        + " the pins keep them, but sessions are not recovered; Adopt takes them back)");
        if (fdStore) {
            log.info("{} unpinned daemon-lifetime objects stay in systemd's fd store: a restart hands them back; a"
                    + " stop empties the store, and the kernel frees them unless another holder remains",
                    held.daemonUnpinned());
        } else if (held.daemonUnpinned() > 0) {
            log.warn("released {} unpinned daemon-lifetime objects: without systemd's fd store they do not survive"
                    + " the daemon; the kernel frees them unless another holder remains", held.daemonUnpinned());
        }
        log.info("{} pinned daemon-lifetime objects stay alive in bpffs; the next start re-adopts them",
                held.daemonPinned());
        if (held.kernelHeld() > 0) {
            log.info("{} link-less attachments stay: the kernel holds them whatever happens to the daemon; the next"
                    + " start checks that each is still there and takes its record back", held.kernelHeld());
        }
    }
}
