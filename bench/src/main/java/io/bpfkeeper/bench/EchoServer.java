package io.bpfkeeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bare baseline of the round-trip benchmarks: a server that answers every NUL-terminated
 * message with the daemon's reply to {@link LookupTarget}'s MapLookup, byte for byte, and does
 * nothing else: no JSON, no dispatch, no bpf().
 *
 * <p>Blocking JDK channels and a thread per connection, because that is the least a Java server can
 * do per message: a blocked read() returns straight into this loop, with no selector or event loop
 * between the kernel and the reply. It runs in a JVM of its own, as the daemon does, so that both
 * sides of each comparison are a client process talking to a server process.
 *
 * <p>Usage: {@code EchoServer SOCKET}. It exits when its standard input closes, so that it never
 * outlives the harness that started it, even one killed with SIGKILL.
 */
public final class EchoServer {

    static final byte[] REPLY = ("{\"parameters\":{\"value\":\"" + LookupTarget.VALUE + "\"}}\0")
            .getBytes(StandardCharsets.US_ASCII);

    private EchoServer() {
    }

    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        Thread watchdog = new Thread(EchoServer::exitWhenStandardInputCloses, "echo-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            while (true) {
                SocketChannel connection = server.accept();
                Thread thread = new Thread(() -> serve(connection), "echo-connection");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void serve(SocketChannel connection) {
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer reply = ByteBuffer.allocateDirect(REPLY.length).put(REPLY);
        try (connection) {
            while (connection.read(in.clear()) > 0) {
                for (int i = 0; i < in.position(); i++) {
                    if (in.get(i) == 0) {
                        reply.clear();
                        while (reply.hasRemaining()) {
                            connection.write(reply);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The client went away; its thread ends with it.
        }
    }

    private static void exitWhenStandardInputCloses() {
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // Nothing is ever sent; only the end of the stream matters.
            }
        } catch (IOException e) {
            // Same as the end of the stream: the harness is gone.
        }
        System.exit(0);
    }
}
