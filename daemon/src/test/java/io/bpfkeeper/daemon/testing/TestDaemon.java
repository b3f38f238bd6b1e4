package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.Daemon;
import io.bpfkeeper.daemon.config.ClientLimits;
import io.bpfkeeper.daemon.config.DaemonConfig;
import io.bpfkeeper.daemon.config.MetricsConfig;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.VarlinkClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A real daemon in the test's JVM, with its own socket and state directory under a fresh temporary
 * directory, and pins under the given bpffs. Closing it stops the daemon the way SIGTERM does.
 */
public final class TestDaemon implements AutoCloseable {

    private final Path directory;
    private final Path pinRoot;
    private final Daemon daemon;
    private SocketGroup socketGroup;

    private TestDaemon(Path directory, Path pinRoot, Daemon daemon) {
        this.directory = directory;
        this.pinRoot = pinRoot;
        this.daemon = daemon;
    }

    public static TestDaemon start(Path pinRoot) {
        return start(pinRoot, List.of());
    }

    /** Starts a daemon that serves {@code extraInterfaces} too, such as test-only ones. */
    public static TestDaemon start(Path pinRoot, List<VarlinkInterface> extraInterfaces) {
        try {
            Path directory = Files.createTempDirectory("bpfkeeper-test-");
            return startIn(directory, pinRoot, extraInterfaces);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a daemon in {@code directory}, so that a second daemon can take over the first one's state. */
    public static TestDaemon startIn(Path directory, Path pinRoot, List<VarlinkInterface> extraInterfaces) {
        return startIn(directory, pinRoot, extraInterfaces, MetricsConfig.OFF);
    }

    /**
     * Starts a daemon that serves metrics on a free loopback port ({@link #scrape()} reads them).
     *
     * @param programStats whether it enables and exports program run statistics
     */
    public static TestDaemon startWithMetrics(Path pinRoot, boolean programStats) {
        try {
            return startIn(Files.createTempDirectory("bpfkeeper-test-"), pinRoot, List.of(),
                    new MetricsConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), programStats));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a daemon with the policy drop-ins of {@code policyDir}, and metrics on a free loopback
     * port.
     */
    public static TestDaemon startWithPolicy(Path pinRoot, Path policyDir) {
        try {
            return startIn(Files.createTempDirectory("bpfkeeper-test-"), pinRoot, List.of(),
                    new MetricsConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false), policyDir,
                    ClientLimits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a daemon whose policy grants {@code user} what {@code grants} says (YAML, one grant a
     * line, as in a rule of docs/policy.md), for tests of what the daemon refuses past the policy.
     */
    public static TestDaemon startGranting(Path pinRoot, Path policyDir, TestUser user, String... grants) {
        StringBuilder rule = new StringBuilder("rules:\n  - match: {user: \"" + user.name() + "\"}\n");
        for (String grant : grants) {
            rule.append("    ").append(grant).append('\n');
        }
        try {
            Files.writeString(policyDir.resolve("50-" + user.name() + ".yaml"), rule);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return startWithPolicy(pinRoot, policyDir);
    }

    /** Starts a daemon with metrics and these client limits, such as a short message timeout. */
    public static TestDaemon startWithLimits(Path pinRoot, ClientLimits limits) {
        try {
            return startIn(Files.createTempDirectory("bpfkeeper-test-"), pinRoot, List.of(),
                    new MetricsConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false), null, limits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestDaemon startIn(Path directory, Path pinRoot, List<VarlinkInterface> extraInterfaces,
            MetricsConfig metrics) {
        return startIn(directory, pinRoot, extraInterfaces, metrics, null, ClientLimits.DEFAULT);
    }

    private static TestDaemon startIn(Path directory, Path pinRoot, List<VarlinkInterface> extraInterfaces,
            MetricsConfig metrics, Path policyDir, ClientLimits limits) {
        DaemonConfig config = new DaemonConfig(directory.resolve("bpfkeeper.sock"), pinRoot,
                directory.resolve("state"), DaemonConfig.DEFAULT_MAX_MESSAGE_BYTES, metrics, policyDir, limits, true);
        Daemon daemon = new Daemon(config, extraInterfaces);
        try {
            daemon.start();
        } catch (IOException e) {
            daemon.close();
            throw new UncheckedIOException(e);
        }
        return new TestDaemon(directory, pinRoot, daemon);
    }

    public Path socket() {
        return directory.resolve("bpfkeeper.sock");
    }

    public Path directory() {
        return directory;
    }

    public Path pinRoot() {
        return pinRoot;
    }

    public Daemon daemon() {
        return daemon;
    }

    public BpfkeeperClient client() {
        return new BpfkeeperClient(rawClient());
    }

    public VarlinkClient rawClient() {
        return VarlinkClient.connect(socket());
    }

    /** GET /metrics, as Prometheus scrapes it. */
    public String scrape() {
        InetSocketAddress address = daemon.metricsAddress()
                .orElseThrow(() -> new IllegalStateException("this daemon serves no metrics"));
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/metrics")).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /metrics answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Lets every local user connect, for tests that call as another uid. */
    public void openSocketToEveryone() throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    /**
     * Lets {@code user} connect the way a deployment does: the socket keeps the daemon's own mode
     * (0660) and gets a group of its own, which the user joins, as the {@code bpfkeeper} group of the
     * package. The group is deleted with the daemon.
     */
    public void admit(TestUser user) throws IOException {
        if (socketGroup == null) {
            socketGroup = SocketGroup.create(socket());
        }
        socketGroup.admit(user);
    }

    /** Stops the daemon as SIGTERM would; the directory stays for a successor. */
    public void stop() {
        daemon.close();
    }

    @Override
    public void close() {
        daemon.close();
        if (socketGroup != null) {
            socketGroup.close();
        }
        if (!Files.exists(directory)) {
            return; // a successor started in it, and closing that one deleted it
        }
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
