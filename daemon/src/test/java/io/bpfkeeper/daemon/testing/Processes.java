package io.bpfkeeper.daemon.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands for tests: with a deadline, no input, and both outputs captured. */
public final class Processes {

    /** How a command ended. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Returns this result if the command exited with 0; throws {@link CommandFailedException} otherwise. */
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new CommandFailedException(
                        "'%s' exited with %d%nstdout: %s%nstderr: %s"
                                .formatted(String.join(" ", command), exitCode, stdout.strip(), stderr.strip()));
            }
            return this;
        }
    }

    /** A command that failed or did not finish in time. */
    public static final class CommandFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailedException(String message) {
            super(message);
        }
    }

    private Processes() {}

    /** Runs {@code command}, killing it at {@code timeout}; see {@link #run(Duration, List)}. */
    public static Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /**
     * Runs {@code command} with /dev/null as its input and waits for it.
     *
     * @throws CommandFailedException if it is still running at {@code timeout}; it is killed then
     * @throws UncheckedIOException if it cannot be started, e.g. because it is not installed
     */
    public static Result run(Duration timeout, List<String> command) {
        try {
            // Files rather than pipes: nothing to drain while waiting, and a
            // grandchild that keeps the output open cannot block the test.
            Path stdout = Files.createTempFile("process-", ".stdout");
            Path stderr = Files.createTempFile("process-", ".stderr");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(new File("/dev/null"))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new CommandFailedException(
                            "'%s' did not finish within %s and was killed".formatted(String.join(" ", command), timeout));
                }
                return new Result(List.copyOf(command), process.exitValue(), read(stdout), read(stderr));
            } finally {
                Files.delete(stdout);
                Files.delete(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static String read(Path output) throws IOException {
        // Lenient decoding: a stray non-UTF-8 byte must not hide a command's message.
        return new String(Files.readAllBytes(output), UTF_8);
    }
}
