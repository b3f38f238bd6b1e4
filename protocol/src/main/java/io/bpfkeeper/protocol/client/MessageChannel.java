package io.bpfkeeper.protocol.client;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * NUL-framed messages over an AF_UNIX stream socket.
 *
 * <p>The channel is non-blocking and waits in a {@link Selector}, because
 * that is the only way to bound a read on a JDK {@code SocketChannel}. Reads
 * go into one growable buffer that is scanned for NUL once per byte, so that
 * several pipelined messages that arrive in one read cost one system call.
 */
final class MessageChannel implements Closeable {
    private static final int INITIAL_BUFFER = 64 * 1024;

    /** Turns the bytes of one message, without its NUL, into a value. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(byte[] bytes, int offset, int length) throws IOException;
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    /** Unread bytes are {@code in[start..end)}; {@code in[start..scanned)} holds no NUL. */
    private byte[] in = new byte[INITIAL_BUFFER];
    private int start;
    private int scanned;
    private int end;

    private MessageChannel(SocketChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
    }

    static MessageChannel connect(Path socketPath) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
            channel.configureBlocking(false);
            return new MessageChannel(channel, Selector.open());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes all of {@code bytes[0..length)}, however long the peer takes to read them. */
    void write(byte[] bytes, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(SelectionKey.OP_WRITE, 0);
            }
        }
    }

    /**
     * Reads up to the next NUL and decodes what precedes it.
     *
     * @param timeout how long to wait for the whole message; zero waits for ever
     * @throws EOFException if the peer closed the connection first
     * @throws SocketTimeoutException if the timeout passed first; the bytes read so far are kept
     */
    <T> T read(Duration timeout, Decoder<T> decoder) throws IOException {
        long deadline = timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            for (; scanned < end; scanned++) {
                if (in[scanned] == 0) {
                    int messageStart = start;
                    int length = scanned - start;
                    start = scanned + 1;
                    scanned = start;
                    return decoder.decode(in, messageStart, length);
                }
            }
            fill(deadline);
        }
    }

    private void fill(long deadline) throws IOException {
        makeRoom();
        int read;
        while ((read = channel.read(ByteBuffer.wrap(in, end, in.length - end))) == 0) {
            await(SelectionKey.OP_READ, deadline);
        }
        if (read < 0) {
            throw new EOFException(start == end
                    ? "the server closed the connection"
                    : "the server closed the connection in the middle of a message");
        }
        end += read;
    }

    private void makeRoom() {
        if (end < in.length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        } else {
            in = Arrays.copyOf(in, in.length * 2);
        }
    }

    /** @param deadline a {@link System#nanoTime()}, or 0 for none */
    private void await(int operation, long deadline) throws IOException {
        long timeoutMillis = 0;
        if (deadline != 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("no complete reply from the server in time");
            }
            timeoutMillis = Math.max(1, Duration.ofNanos(remaining).toMillis());
        }
        key.interestOps(operation);
        selector.select(timeoutMillis);
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for the server");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
