package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as a separate process, started from the test classpath (the packaged jars do not
 * exist yet when unit tests run), with its own socket and state directory. For what only a process
 * shows: its memory, its fds, how it dies.
 */
public final class DaemonProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path directory;
    private final Path log;

    private DaemonProcess(Process process, Path directory, Path log) {
        this.process = process;
        this.directory = directory;
        this.log = log;
    }

    /** Starts a daemon pinning under {@code pinRoot} and waits until its socket answers. */
    public static DaemonProcess start(Path pinRoot, String... extraFlags) {
        try {
            Path directory = Files.createTempDirectory("bpfkeeper-process-");
            Path log = directory.resolve("daemon.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // The memory flags of bin/bpfkeeperd, so that a test of memory meets the limits shipped.
                    "-XX:+UseSerialGC", "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"),
                    "io.bpfkeeper.daemon.Main",
                    "--socket", directory.resolve("bpfkeeper.sock").toString(),
                    "--pin-root", pinRoot.toString(),
                    "--state-dir", directory.resolve("state").toString(),
                    // Any free port: the default one belongs to whichever daemon of a concurrent run took it.
                    "--metrics-address", "127.0.0.1:0"));
            command.addAll(List.of(extraFlags));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            DaemonProcess daemon = new DaemonProcess(process, directory, log);
            daemon.awaitSocket();
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitSocket() {
        Eventually.until(START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the daemon exited with " + process.exitValue() + ":\n" + log());
            }
            try (BpfkeeperClient probe = client()) {
                return true;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        }, "the daemon serves on " + socket());
    }

    public Path socket() {
        return directory.resolve("bpfkeeper.sock");
    }

    public long pid() {
        return process.pid();
    }

    /** Whether the daemon still runs, as {@code kill -0} on its pid tells. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public BpfkeeperClient client() {
        return BpfkeeperClient.connect(socket());
    }

    /** VmRSS from /proc, in bytes. */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for process " + pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many fds the daemon has open. */
    public int openFds() {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks the JVM for a full collection, so that heap garbage does not count as growth. */
    public void collectGarbage() {
        Processes.run(Duration.ofSeconds(30), Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()), "GC.run").requireSuccess();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills the daemon without a chance to clean up, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the daemon with SIGTERM and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
