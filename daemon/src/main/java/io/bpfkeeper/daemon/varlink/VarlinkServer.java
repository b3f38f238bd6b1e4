package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.config.ClientLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.FdPassingDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Varlink server on a Unix socket, with Netty's epoll transport. Each connection gets a pipeline
 * of five single-purpose handlers: the budget of its bytes in flight, NUL framing (with the size
 * limit), call decoding, reply encoding and per-connection dispatch.
 */
public final class VarlinkServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VarlinkServer.class);
    /**
     * Messages are parsed while they arrive from this length on: a message this long takes several
     * reads, and parsing it takes far longer than handing it to another thread.
     */
    private static final int PARSE_AHEAD_FROM_BYTES = 256 * 1024;

    private final Services services;
    private final ServerOptions options;
    private final ObjectMapper json;
    private final ErrorTranslator errors;
    private final ConnectionObserver observer;
    private final CallObserver calls;
    private final HeldReplies heldReplies;
    private final EventLoopGroup eventLoops;
    private final ExecutorService workers;
    private final WorkerShares workerShares;
    private final InFlightBudget inFlight;
    private final ParseAhead parseAhead;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel listener;

    /**
     * @param maxMessageBytes the longest message a connection may send before it is closed
     * @param workerThreads threads for calls that may block in the kernel
     * @param eventLoopThreads threads that read, decode and answer fast calls
     * @param limits the bytes in flight, message arrival time and worker share a client gets
     */
    public record ServerOptions(long maxMessageBytes, int workerThreads, int eventLoopThreads, ClientLimits limits) {

        /** Threads sized to the machine. */
        public static ServerOptions of(long maxMessageBytes, ClientLimits limits) {
            int cpus = Runtime.getRuntime().availableProcessors();
            return new ServerOptions(maxMessageBytes, ClientLimits.workerThreads(), Math.max(1, cpus), limits);
        }

        /** How many messages larger than a connection's budget may be in flight at once. */
        int largeMessageSlots() {
            return (int) Math.max(1, limits.largeMessagesBytes() / maxMessageBytes);
        }
    }

    public VarlinkServer(ServiceInfo info, List<VarlinkInterface> interfaces, ServerOptions options, ObjectMapper json,
            ErrorTranslator errors, ConnectionObserver observer) {
        this(info, interfaces, options, json, errors, observer, CallObserver.NONE, ReplyGate.OPEN);
    }

    /**
     * @param calls told about every finished call, for request metrics
     * @param replyGate what the final reply of a call waits for, such as its changes being durable
     */
    public VarlinkServer(ServiceInfo info, List<VarlinkInterface> interfaces, ServerOptions options, ObjectMapper json,
            ErrorTranslator errors, ConnectionObserver observer, CallObserver calls, ReplyGate replyGate) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's epoll transport is unavailable", Epoll.unavailabilityCause());
        }
        List<VarlinkInterface> all = new ArrayList<>();
        Services[] self = new Services[1];
        all.add(ServiceInterface.create(info, () -> self[0].interfaces()));
        all.addAll(interfaces);
        this.services = new Services(all, options.maxMessageBytes());
        self[0] = services;
        this.options = options;
        this.json = json;
        this.errors = errors;
        this.observer = observer;
        this.calls = calls;
        this.heldReplies = new HeldReplies(replyGate);
        this.eventLoops = new MultiThreadIoEventLoopGroup(options.eventLoopThreads(),
                new DefaultThreadFactory("bpfkeeper-io", true), EpollIoHandler.newFactory());
        this.workers = new ThreadPoolExecutor(options.workerThreads(), options.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("bpfkeeper-worker", true));
        this.workerShares = new WorkerShares(workers, options.limits().workerSharePerUid());
        this.inFlight = new InFlightBudget(options.largeMessageSlots());
        // As many as event loops: parsing is their work, moved aside while a message arrives.
        this.parseAhead = new ParseAhead(options.eventLoopThreads(), PARSE_AHEAD_FROM_BYTES);
    }

    /**
     * Creates the socket at {@code path} with the given permissions (such as "rw-rw----"). A stale
     * socket file left by a dead daemon is replaced; a live one is an error, so that two daemons never
     * fight over one path.
     */
    public void bind(Path path, String permissions) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (someoneListens(path)) {
                throw new IOException("another daemon is serving at " + path);
            }
            Files.delete(path);
        }
        listener = bootstrap().channel(EpollServerDomainSocketChannel.class)
                .bind(new DomainSocketAddress(path.toString())).syncUninterruptibly().channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        log.info("serving Varlink on {}", path);
    }

    /** Serves a listening socket inherited from systemd's socket activation. */
    public void adopt(int listeningFd) {
        // The two-argument constructor marks the fd as active; the one-argument one never accepts.
        EpollServerDomainSocketChannel channel = new EpollServerDomainSocketChannel(listeningFd, true);
        ServerBootstrap bootstrap = bootstrap();
        bootstrap.channelFactory(() -> channel);
        listener = bootstrap.register().syncUninterruptibly().channel();
        log.info("serving Varlink on the socket systemd passed (fd {})", listeningFd);
    }

    private ServerBootstrap bootstrap() {
        CallDecoder decoder = new CallDecoder(json, services::parameterReader, parseAhead);
        ReplyEncoder encoder = new ReplyEncoder(json);
        return new ServerBootstrap()
                .group(eventLoops)
                // A client that shuts down its sending side still reads the replies to its calls.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Netty 4.2's default, the adaptive allocator, hands out and takes back each call's
                // read and reply buffers through shared queues: 8% of the daemon's Java samples in
                // the throughput benchmark. The pooled one keeps a cache per event loop: three
                // paired runs of 4 clients, 13.3, 12.4 and 13.0 us of daemon CPU a lookup against
                // 14.7, 13.2 and 14.6 us.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new PassingFds())
                .childHandler(new ChannelInitializer<FdPassingDomainSocketChannel>() {
                    @Override
                    protected void initChannel(FdPassingDomainSocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast("budget", new ConnectionBudget(inFlight, options.limits().connectionBytes(),
                                        options.limits().messageArrivalTimeout()))
                                .addLast("framing", new NulFrameDecoder(options.maxMessageBytes(), parseAhead))
                                .addLast("decoder", decoder)
                                .addLast("encoder", encoder)
                                .addLast("dispatcher", new CallDispatcher(services, workerShares, errors, observer, calls,
                                        heldReplies));
                    }
                });
    }

    /**
     * On the listening channel: puts each accepted connection, before it is registered, into a
     * channel that reads and writes fds with its messages.
     */
    @ChannelHandler.Sharable
    private static final class PassingFds extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            ctx.fireChannelRead(FdPassingDomainSocketChannel.replacing((EpollDomainSocketChannel) accepted,
                    ReceivedFds.MAX_PER_MESSAGE));
        }
    }

    private static boolean someoneListens(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops accepting connections and stops reading from the open ones; calls in flight go on. */
    public void stopAccepting() {
        services.startDraining();
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        for (Channel connection : connections) {
            connection.config().setAutoRead(false);
        }
    }

    /**
     * Waits for the calls in flight and their held replies, then closes every connection. Returns
     * false when calls were still running, or replies held, at the deadline.
     */
    public boolean finishCalls(Duration deadline) throws InterruptedException {
        long start = System.nanoTime();
        workers.shutdown();
        boolean finished = workers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)
                && heldReplies.awaitAll(deadline.minusNanos(System.nanoTime() - start));
        connections.close().awaitUninterruptibly(deadline.toMillis());
        return finished;
    }

    public int openConnections() {
        return connections.size();
    }

    /** Bytes of messages being received, calls queued or running, and replies not yet written. */
    public long bytesInFlight() {
        return inFlight.bytesInFlight();
    }

    @Override
    public void close() {
        stopAccepting();
        workers.shutdownNow();
        connections.close().awaitUninterruptibly();
        parseAhead.close();
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
