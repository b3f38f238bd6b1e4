package io.bpfkeeper.protocol.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A Varlink server for client tests: it answers each received message with
 * whatever bytes the test's responder returns, one connection at a time,
 * and records the messages it received.
 */
final class CannedServer implements AutoCloseable {
    /** Raw bytes to write in answer to one message, and whether to close the connection after. */
    record Answer(String bytes, boolean thenClose) {
        /** Each message followed by its NUL. */
        static Answer replies(String... messages) {
            return new Answer(messages.length == 0 ? "" : String.join("\0", messages) + "\0", false);
        }

        static Answer closeAfter(String bytes) {
            return new Answer(bytes, true);
        }
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Function<String, Answer> responder;
    private final Thread thread;
    /** Every message received, without its NUL, in order. */
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    CannedServer(Path directory, Function<String, Answer> responder) throws IOException {
        this.path = directory.resolve("varlink.sock");
        this.responder = responder;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        thread = new Thread(this::serve, "canned-varlink-server");
        thread.setDaemon(true);
        thread.start();
    }

    Path path() {
        return path;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel connection = server.accept()) {
                converse(connection);
            } catch (IOException e) {
                if (server.isOpen()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void converse(SocketChannel connection) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (connection.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b != 0) {
                    message.write(b);
                    continue;
                }
                String call = message.toString(StandardCharsets.UTF_8);
                message.reset();
                received.add(call);
                Answer answer = responder.apply(call);
                connection.write(ByteBuffer.wrap(answer.bytes().getBytes(StandardCharsets.UTF_8)));
                if (answer.thenClose()) {
                    return;
                }
            }
            buffer.clear();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(5_000);
        Files.deleteIfExists(path);
    }
}
