package io.netty.channel.epoll;

import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.varlink.OutgoingWithFds;
import io.bpfkeeper.daemon.varlink.ReceivedFds;
import io.bpfkeeper.protocol.unix.ScmRights;
import io.bpfkeeper.protocol.unix.SocketCalls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.internal.ChannelUtils;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's epoll domain socket channel, reading with {@code recvmsg} and writing a message with fds
 * with {@code sendmsg}, so that file descriptors travel in SCM_RIGHTS with the bytes they belong
 * to, as Varlink passes them. Netty offers neither: its {@code EpollDomainSocketChannel} reads
 * either bytes (with {@code recv}, which makes the kernel drop any fds sent) or only fds (one per
 * read, with one data byte thrown away), and writes a {@code FileDescriptor} on its own with a stray
 * byte. That class is final and its read path package-private, so this one lives in Netty's
 * package: it takes the place of the accepted channel before it is registered
 * ({@link #replacing}), and its read loop is Netty's stream read loop with {@code recvmsg} where
 * Netty calls {@code recv}. Written for Netty 4.2.18; a test reads and writes fds through it.
 *
 * <p>Received fds are fired as one {@link ReceivedFds} right before the bytes they came with. A
 * message of {@link OutgoingWithFds} goes out with its fds on the {@code sendmsg} of its first
 * byte, after every byte written before it.
 */
public final class FdPassingDomainSocketChannel extends AbstractEpollStreamChannel {

    private final EpollDomainSocketChannelConfig config = new EpollDomainSocketChannelConfig(this);
    private final ScmRights receiver;
    private final ScmRights sender = new ScmRights(ScmRights.KERNEL_MAX_FDS);

    private FdPassingDomainSocketChannel(Channel parent, LinuxSocket socket, int maxFdsPerRead) {
        super(parent, socket);
        this.receiver = new ScmRights(maxFdsPerRead);
    }

    /**
     * The channel to register in place of one the server just accepted and has not registered:
     * the same socket, read and written with fds.
     *
     * @param maxFdsPerRead room for fds in one read; more than this many with one message are
     *     closed by the kernel and reported as {@link ReceivedFds#truncated()}
     */
    public static FdPassingDomainSocketChannel replacing(EpollDomainSocketChannel accepted, int maxFdsPerRead) {
        return new FdPassingDomainSocketChannel(accepted.parent(), (LinuxSocket) accepted.fd(), maxFdsPerRead);
    }

    @Override
    public EpollDomainSocketChannelConfig config() {
        return config;
    }

    /** The peer's uid, gid and pid, as SO_PEERCRED reports them. */
    public PeerCredentials peerCredentials() throws IOException {
        return socket.getPeerCredentials();
    }

    @Override
    protected AbstractEpollUnsafe newUnsafe() {
        return new FdPassingUnsafe();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof OutgoingWithFds outgoing) {
            if (!outgoing.content().hasMemoryAddress()) {
                // Netty releases the message, which closes its fds.
                throw new UnsupportedOperationException("a message with fds needs a direct buffer");
            }
            return msg;
        }
        return super.filterOutboundMessage(msg);
    }

    @Override
    protected int doWriteSingle(ChannelOutboundBuffer in) throws Exception {
        if (in.current() instanceof OutgoingWithFds outgoing) {
            return writeWithFds(in, outgoing);
        }
        return super.doWriteSingle(in);
    }

    /** Netty calls this only once the bytes written before the message are in the socket. */
    private int writeWithFds(ChannelOutboundBuffer in, OutgoingWithFds outgoing) throws IOException {
        ByteBuf bytes = outgoing.content();
        long sent = outgoing.sendWithFds(fds -> sender.send(socket.intValue(),
                bytes.memoryAddress() + bytes.readerIndex(), bytes.readableBytes(), fds, null, 0,
                SocketCalls.MSG_NOSIGNAL | SocketCalls.MSG_DONTWAIT));
        if (sent == -Errno.EAGAIN) {
            return ChannelUtils.WRITE_STATUS_SNDBUF_FULL;
        }
        if (sent < 0) {
            throw new IOException("sendmsg: " + Errno.name((int) -sent));
        }
        // The fds went with the first byte: the rest of the message, if any, goes out without them.
        outgoing.closeFds();
        bytes.skipBytes((int) sent);
        in.progress(sent);
        if (!bytes.isReadable()) {
            in.remove();
        }
        return 1;
    }

    /** Netty's stream read loop (AbstractEpollStreamChannel.EpollStreamUnsafe), reading with recvmsg. */
    private final class FdPassingUnsafe extends EpollStreamUnsafe {

        @Override
        void epollInReady() {
            ChannelConfig channelConfig = config();
            if (shouldBreakEpollInReady(channelConfig)) {
                clearEpollIn0();
                return;
            }
            EpollRecvByteAllocatorHandle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(channelConfig);
            ByteBuf byteBuf = null;
            boolean allDataRead = false;
            try {
                do {
                    byteBuf = allocHandle.allocate(channelConfig.getAllocator());
                    allocHandle.lastBytesRead(receive(byteBuf, allocHandle, pipeline));
                    if (allocHandle.lastBytesRead() <= 0) {
                        byteBuf.release();
                        byteBuf = null;
                        allDataRead = allocHandle.lastBytesRead() < 0;
                        if (allDataRead) {
                            readPending = false;
                        }
                        break;
                    }
                    allocHandle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(byteBuf);
                    byteBuf = null;
                    if (shouldBreakEpollInReady(channelConfig)) {
                        // Closed or shut down by a handler: the fd may already belong to another socket.
                        break;
                    }
                } while (allocHandle.continueReading());
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) {
                    shutdownInput(true);
                }
            } catch (Throwable t) {
                if (byteBuf != null) {
                    byteBuf.release();
                }
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                pipeline.fireExceptionCaught(t);
                if (allDataRead || t instanceof IOException || t instanceof OutOfMemoryError) {
                    shutdownInput(true);
                }
            } finally {
                if (shouldStopReading(channelConfig)) {
                    clearEpollIn();
                }
            }
        }

        /**
         * One recvmsg into {@code byteBuf}. Fds that came with the bytes are owned at once and fired
         * before them.
         *
         * @return as Netty's doReadBytes: the bytes read, 0 when none were waiting, -1 at the end
         */
        private int receive(ByteBuf byteBuf, EpollRecvByteAllocatorHandle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            if (!byteBuf.hasMemoryAddress()) {
                throw new IllegalStateException("recvmsg needs a direct buffer with an address");
            }
            int writerIndex = byteBuf.writerIndex();
            allocHandle.attemptedBytesRead(byteBuf.writableBytes());
            long got = receiver.receive(socket.intValue(), byteBuf.memoryAddress() + writerIndex,
                    byteBuf.writableBytes(), SocketCalls.MSG_DONTWAIT);
            List<Fd> fds = own(receiver.receivedFds());
            if (got <= 0) {
                // No bytes, so no message for them to belong to.
                fds.forEach(Fd::close);
                if (got == 0) {
                    return -1;
                }
                if (got == -Errno.EAGAIN) {
                    return 0;
                }
                throw new IOException("recvmsg: " + Errno.name((int) -got));
            }
            if (!fds.isEmpty() || receiver.truncated()) {
                pipeline.fireChannelRead(new ReceivedFds(fds, receiver.truncated()));
            }
            byteBuf.writerIndex(writerIndex + (int) got);
            return (int) got;
        }

        private List<Fd> own(int[] raw) {
            List<Fd> fds = new ArrayList<>(raw.length);
            for (int fd : raw) {
                fds.add(Fd.adopt(fd));
            }
            return fds;
        }
    }
}
