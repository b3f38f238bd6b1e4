package io.bpfkeeper.daemon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A blocking connection to a daemon's socket that writes bytes as given and reads NUL-ended
 * messages, as a hostile client would: one thread may write while another reads, which the
 * project's clients, sharing one selector, do not allow.
 */
public final class RawSocket implements AutoCloseable {

    private final SocketChannel channel;

    private RawSocket(SocketChannel channel) {
        this.channel = channel;
    }

    public static RawSocket connect(Path socket) {
        try {
            return new RawSocket(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes every byte, waiting as long as the daemon does not read. */
    public void write(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads one NUL-ended message.
     *
     * @return null at the end of the stream
     * @throws IOException such as a reset, when the daemon closed with bytes of ours unread
     */
    public String readMessage() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return null;
            }
            if (one.get(0) == 0) {
                return message.toString(StandardCharsets.UTF_8);
            }
            message.write(one.get(0));
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
