package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** A server that the benchmarks call over its Unix socket, running as a process of its own. */
interface ServerProcess {

    Path socket();

    long pid();

    default BpfkeeperClient connect() {
        return BpfkeeperClient.connect(socket());
    }

    /** How long a server process may take to listen on its socket. */
    Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Waits until {@code process} accepts connections on {@code socket}, failing if it exits first. */
    static void awaitListening(Process process, Path socket, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(socket)) {
            if (!process.isAlive()) {
                throw new IOException(what + " exited with status " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + " did not listen on " + socket + " within " + START_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    private static boolean accepts(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The CPU time that every thread of the server has used so far, in user and kernel mode. */
    default long cpuNanoseconds() throws IOException {
        return ProcessCpu.nanoseconds(pid());
    }
}
