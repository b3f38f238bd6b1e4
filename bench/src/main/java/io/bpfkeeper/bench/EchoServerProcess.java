package io.bpfkeeper.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An {@link EchoServer} in a child JVM, on a socket in a temporary directory of its own. */
final class EchoServerProcess extends ChildServerProcess {

    private EchoServerProcess(Process process, Path directory, Path socket) {
        super(process, directory, socket);
    }

    /** Starts the server with this JVM's java and class path, and waits until it accepts connections. */
    static EchoServerProcess start() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("bpfkeeper-bench-echo-");
        Path socket = directory.resolve("echo.sock");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EchoServer.class.getName(), socket.toString())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return listening(new EchoServerProcess(process, directory, socket), "the echo server");
    }

    /** Closes the server's standard input, which ends it, then removes its directory. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(socket());
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
