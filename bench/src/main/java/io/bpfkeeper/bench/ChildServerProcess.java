package io.bpfkeeper.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** A server that the harness starts as a child process, on a socket in a temporary directory of its own. */
abstract class ChildServerProcess implements ServerProcess, AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    protected final Process process;
    protected final Path directory;
    private final Path socket;

    protected ChildServerProcess(Process process, Path directory, Path socket) {
        this.process = process;
        this.directory = directory;
        this.socket = socket;
    }

    /** Returns {@code server} once it accepts connections; closes it if it exits or does not in time. */
    protected static <T extends ChildServerProcess> T listening(T server, String what)
            throws IOException, InterruptedException {
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!((ChildServerProcess) server).accepts()) {
                if (!server.process.isAlive()) {
                    throw new IOException(what + " exited with status " + server.process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(what + " did not listen on " + server.socket() + " within " + START_TIMEOUT);
                }
                Thread.sleep(20);
            }
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private boolean accepts() {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public abstract void close();

    @Override
    public Path socket() {
        return socket;
    }

    @Override
    public long pid() {
        return process.pid();
    }
}
