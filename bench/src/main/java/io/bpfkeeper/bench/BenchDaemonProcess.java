package io.bpfkeeper.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A bpfkeeperd of the harness's own, started through bin/bpfkeeperd like the daemon under test, on
 * a socket and a state directory of its own, for a benchmark that compares two daemons run with
 * different flags. Its log goes beside the JSON results.
 */
final class BenchDaemonProcess extends ChildServerProcess {

    private BenchDaemonProcess(Process process, Path directory, Path socket) {
        super(process, directory, socket);
    }

    /**
     * @param name names its temporary directory and its log
     * @param pinRoot a bpffs mount
     * @param logDirectory where its log goes, as {@code daemon-NAME.log}
     * @param flags more flags, such as {@code --journal-fsync off}
     */
    static BenchDaemonProcess start(String name, Path pinRoot, Path logDirectory, List<String> flags)
            throws IOException, InterruptedException {
        // In /tmp, on the disk: the state directory's fsyncs are what some benchmarks measure.
        Path directory = Files.createTempDirectory("bpfkeeper-bench-" + name + "-");
        Path socket = directory.resolve("bpfkeeper.sock");
        List<String> command = new ArrayList<>(List.of(Path.of("bin/bpfkeeperd").toAbsolutePath().toString(),
                "--socket", socket.toString(), "--pin-root", pinRoot.toString(),
                "--state-dir", directory.resolve("state").toString(), "--metrics-address", "off"));
        command.addAll(flags);
        Files.createDirectories(logDirectory);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDirectory.resolve("daemon-" + name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return listening(new BenchDaemonProcess(process, directory, socket), "bpfkeeperd " + name);
    }

    /** Stops it with SIGTERM, then removes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
