package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.Daemon;
import io.bpfkeeper.daemon.config.DaemonConfig;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.VarlinkClient;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        DaemonConfig config = new DaemonConfig(directory.resolve("bpfkeeper.sock"), pinRoot,
                directory.resolve("state"), DaemonConfig.DEFAULT_MAX_MESSAGE_BYTES);
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

    /** Lets every local user connect, for tests that call as another uid. */
    public void openSocketToEveryone() throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    /** Stops the daemon as SIGTERM would; the directory stays for a successor. */
    public void stop() {
        daemon.close();
    }

    @Override
    public void close() {
        daemon.close();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
