package io.bpfkeeper.protocol.client;

import io.bpfkeeper.protocol.unix.ScmRights;
import io.bpfkeeper.protocol.unix.SocketCalls;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
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
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * NUL-framed messages over an AF_UNIX stream socket.
 *
 * <p>The channel is non-blocking and waits in a {@link Selector}, because
 * that is the only way to bound a read on a JDK {@code SocketChannel}. Reads
 * go into one growable buffer that is scanned for NUL once per byte, so that
 * several pipelined messages that arrive in one read cost one system call.
 *
 * <p>A channel {@link #connectPassingFds passing fds} reads and writes with
 * {@code recvmsg} and {@code sendmsg} instead, through a native buffer, on a
 * jnr-unixsocket channel (the JDK's cannot pass fds). Fds travel with the
 * first byte of their message, as in systemd's sd-varlink: fds that a read
 * brings belong to the message that the read's first byte begins.
 */
final class MessageChannel implements Closeable {
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final int EAGAIN = 11;

    /** Turns the bytes of one message, without its NUL, into a value. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(byte[] bytes, int offset, int length) throws IOException;
    }

    private static final int[] NO_FDS = new int[0];

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    /** For a channel passing fds: its socket, and the native buffer its reads and writes go through; else null. */
    private final FdPassing fdPassing;
    /** Fds that came with the message starting at {@code in[fdsAt]}, not yet read. */
    private int[] arrivedFds = NO_FDS;
    private int fdsAt = -1;
    /** The fds of the message that {@link #read} returned last. */
    private int[] lastFds = NO_FDS;

    private record FdPassing(int socket, ScmRights scm, Pointer buffer) {
    }

    /** Unread bytes are {@code in[start..end)}; {@code in[start..scanned)} holds no NUL. */
    private byte[] in = new byte[INITIAL_BUFFER];
    private int start;
    private int scanned;
    private int end;

    private MessageChannel(SocketChannel channel, Selector selector, FdPassing fdPassing) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
        this.fdPassing = fdPassing;
    }

    static MessageChannel connect(Path socketPath) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
            channel.configureBlocking(false);
            return new MessageChannel(channel, Selector.open(), null);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A channel that can send and receive fds with its messages. */
    static MessageChannel connectPassingFds(Path socketPath) throws IOException {
        UnixSocketChannel channel = UnixSocketChannel.open(new UnixSocketAddress(socketPath.toFile()));
        try {
            channel.configureBlocking(false);
            Pointer buffer = Memory.allocateDirect(SocketCalls.RUNTIME, INITIAL_BUFFER, false);
            FdPassing fdPassing = new FdPassing(channel.getFD(), new ScmRights(ScmRights.KERNEL_MAX_FDS), buffer);
            return new MessageChannel(channel, channel.provider().openSelector(), fdPassing);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    boolean passesFds() {
        return fdPassing != null;
    }

    /**
     * Writes all of {@code bytes[0..length)}, with {@code fds} on the first byte; the caller keeps
     * its fds.
     */
    void write(byte[] bytes, int length, int[] fds) throws IOException {
        if (fdPassing == null) {
            if (fds.length > 0) {
                throw new IllegalStateException("this connection does not pass fds; connect with connectPassingFds");
            }
            write(bytes, length);
            return;
        }
        int offset = 0;
        int[] unsent = fds;
        while (offset < length || unsent.length > 0) {
            int chunk = (int) Math.min(length - offset, fdPassing.buffer().size());
            fdPassing.buffer().put(0, bytes, offset, chunk);
            long sent = fdPassing.scm().send(fdPassing.socket(), fdPassing.buffer().address(), chunk, unsent, null, 0,
                    SocketCalls.MSG_NOSIGNAL | SocketCalls.MSG_DONTWAIT);
            if (sent == -EAGAIN) {
                await(SelectionKey.OP_WRITE, 0);
                continue;
            }
            if (sent < 0) {
                throw new IOException("sendmsg: errno " + -sent);
            }
            unsent = NO_FDS;
            offset += (int) sent;
        }
    }

    /**
     * The fds that came with the message {@link #read} returned last; the caller owns them. Each
     * message's fds are handed out once.
     */
    int[] takeFds() {
        int[] fds = lastFds;
        lastFds = NO_FDS;
        return fds;
    }

    /** Writes all of {@code bytes[0..length)}, however long the peer takes to read them. */
    void write(byte[] bytes, int length) throws IOException {
        if (fdPassing != null) {
            write(bytes, length, NO_FDS);
            return;
        }
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
                    closeFds(lastFds);
                    lastFds = NO_FDS;
                    if (messageStart == fdsAt) {
                        lastFds = arrivedFds;
                        arrivedFds = NO_FDS;
                        fdsAt = -1;
                    }
                    return decoder.decode(in, messageStart, length);
                }
            }
            fill(deadline);
        }
    }

    private void fill(long deadline) throws IOException {
        makeRoom();
        int read;
        while ((read = receive()) == 0) {
            await(SelectionKey.OP_READ, deadline);
        }
        if (read < 0) {
            throw new EOFException(start == end
                    ? "the server closed the connection"
                    : "the server closed the connection in the middle of a message");
        }
        end += read;
    }

    /** One read into {@code in[end..]}: the bytes read, 0 when none were waiting, -1 at the end. */
    private int receive() throws IOException {
        if (fdPassing == null) {
            return channel.read(ByteBuffer.wrap(in, end, in.length - end));
        }
        int room = (int) Math.min(in.length - end, fdPassing.buffer().size());
        long got = fdPassing.scm().receive(fdPassing.socket(), fdPassing.buffer().address(), room,
                SocketCalls.MSG_DONTWAIT);
        int[] fds = fdPassing.scm().receivedFds();
        if (got > 0 && (fds.length > 0 || fdPassing.scm().truncated())) {
            if (start != end || fdsAt >= 0 || fdPassing.scm().truncated()) {
                closeFds(fds);
                throw new ProtocolException(fdPassing.scm().truncated()
                        ? "a reply came with more fds than there was room for"
                        : "fds came in the middle of a message, not with its first byte");
            }
            arrivedFds = fds;
            fdsAt = end;
        } else {
            closeFds(fds);
        }
        if (got == -EAGAIN) {
            return 0;
        }
        if (got < 0) {
            throw new IOException("recvmsg: errno " + -got);
        }
        if (got == 0) {
            return -1;
        }
        fdPassing.buffer().get(0, in, end, (int) got);
        return (int) got;
    }

    private static void closeFds(int[] fds) {
        for (int fd : fds) {
            SocketCalls.INSTANCE.close(fd);
        }
    }

    private void makeRoom() {
        if (end < in.length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            scanned -= start;
            if (fdsAt >= 0) {
                fdsAt -= start;
            }
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
        closeFds(arrivedFds);
        closeFds(lastFds);
        arrivedFds = NO_FDS;
        lastFds = NO_FDS;
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
