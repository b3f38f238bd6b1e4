package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.PeerGroups;
import io.bpfkeeper.daemon.logging.LogText;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.FdPassingDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the calls of one connection, one at a time and in arrival order, because Varlink replies
 * carry no call id: the client matches them by order. A call on a worker thread holds back the
 * connection's later calls, but never another connection's.
 *
 * <p>A call that changed the daemon's state has its final reply held at the {@link ReplyGate} until
 * the change is durable; the reply is then written on the event loop. The worker is free meanwhile,
 * and the connection's next call waits for the held reply, so that replies stay in order.
 */
final class CallDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    /** Stop reading from a client that pipelines faster than we answer, to bound memory. */
    private static final int MAX_QUEUED_CALLS = 256;
    /** How long a streaming handler waits for a slow reader before giving up on it. */
    private static final long SLOW_READER_TIMEOUT_SECONDS = 60;

    private final Services services;
    private final WorkerShares workers;
    private final ErrorTranslator errors;
    private final ConnectionObserver observer;
    private final CallObserver calls;
    private final HeldReplies heldReplies;
    /**
     * VarlinkCall, PendingCall, either of them {@link WithFds}, or the ProtocolViolation that ends
     * the connection after the calls before it.
     */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** Fds that came before the call they belong to has been decoded. */
    private ReceivedFds arrivedFds;
    /**
     * Fds of whole calls waiting in the queue. While there are any, the connection is not read, so
     * that a client cannot fill the daemon's fd table by pipelining calls with fds: they wait in
     * the socket, counted against the client's own limits.
     */
    private int queuedFds;

    private ChannelHandlerContext ctx;
    /** Told when each call finishes, which frees its message's bytes. */
    private ConnectionBudget budget;
    private Connection connection;
    private boolean busy;
    private boolean inReadCycle;
    private boolean inactive;
    private boolean violated;
    private boolean inputShutdown;
    /**
     * Completes once the running call's held reply is written; null when it has none. Set on the
     * call's thread, read on the event loop after the call's end is handed to it.
     */
    private CompletableFuture<Void> heldReply;

    CallDispatcher(Services services, WorkerShares workers, ErrorTranslator errors, ConnectionObserver observer,
            CallObserver calls, HeldReplies heldReplies) {
        this.services = services;
        this.workers = workers;
        this.errors = errors;
        this.observer = observer;
        this.calls = calls;
        this.heldReplies = heldReplies;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        budget = ctx.pipeline().get(ConnectionBudget.class);
        PeerCredentials peer = ((FdPassingDomainSocketChannel) ctx.channel()).peerCredentials();
        int gid = peer.gids().length > 0 ? peer.gids()[0] : -1;
        connection = new Connection(CONNECTION_IDS.incrementAndGet(), peer.uid(), gid, peer.pid(),
                peerGroups((FdPassingDomainSocketChannel) ctx.channel()));
        observer.opened(connection);
        super.channelActive(ctx);
    }

    /** A call and the fds that came with it. */
    private record WithFds(Object call, ReceivedFds fds) {
    }

    /** Netty's peer credentials carry the primary group only; the policy matches supplementary ones too. */
    private static Set<Integer> peerGroups(FdPassingDomainSocketChannel channel) {
        try {
            return Arrays.stream(PeerGroups.of(channel.fd().intValue())).boxed().collect(Collectors.toSet());
        } catch (BpfException e) {
            log.warn("no supplementary groups for a connection: {}", e.getMessage());
            return Set.of();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inReadCycle = true;
        if (msg instanceof ReceivedFds fds) {
            // The framer passes them on right before the message they came with.
            closeArrivedFds();
            arrivedFds = fds;
            return;
        }
        enqueue(msg);
    }

    private void closeArrivedFds() {
        if (arrivedFds != null) {
            arrivedFds.close();
            arrivedFds = null;
        }
    }

    /** Drops the queued calls, closing the fds they came with. */
    private void discardQueue() {
        for (Object item : queue) {
            if (item instanceof WithFds with) {
                with.fds().close();
            }
        }
        queue.clear();
        queuedFds = 0;
        closeArrivedFds();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadCycle = false;
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolViolation) {
            enqueue(root);
        } else if (root instanceof TooLongFrameException) {
            enqueue(ProtocolViolation.tooLarge(services.maxMessageBytes()));
        } else if (root instanceof IOException) {
            // The peer reset the connection; channelInactive cleans up.
            ctx.close();
        } else {
            log.warn("closing connection {} after an unexpected error", connection, root);
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The client shut down its sending side, as a shell pipe into socat does once its calls are
     * written. It still waits for the replies, so the calls it sent are answered before the close.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            drain();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        discardQueue();
        if (!busy) {
            observer.closed(connection);
        }
    }

    private void enqueue(Object item) {
        if (violated) {
            // Nothing after a violation can be trusted to be framed right, so none of it may run,
            // not even the calls that arrived in the same read as the violation.
            closeArrivedFds();
            return;
        }
        if (item instanceof ProtocolViolation) {
            violated = true;
            closeArrivedFds();
        }
        if (item instanceof PendingCall pending) {
            // Its turn may have come by the time its parse is done.
            pending.whenDone(() -> ctx.executor().execute(this::drain));
        }
        if (arrivedFds != null && !(item instanceof ProtocolViolation)) {
            queue.add(new WithFds(item, arrivedFds));
            if (item instanceof VarlinkCall) {
                // Not a call whose message is still arriving: reading on is how it ends.
                queuedFds += arrivedFds.fds().size();
            }
            arrivedFds = null;
        } else {
            queue.add(item);
        }
        updateAutoRead();
        drain();
    }

    private void updateAutoRead() {
        Channel channel = ctx.channel();
        channel.config().setAutoRead(!violated && !services.draining() && queue.size() < MAX_QUEUED_CALLS
                && queuedFds == 0 && channel.isWritable());
    }

    private void drain() {
        // A closed channel may not have reported itself inactive yet; its calls must not run either.
        while (!busy && !inactive && ctx.channel().isActive() && !queue.isEmpty()) {
            Object item = queue.peek();
            ReceivedFds fds = null;
            if (item instanceof WithFds with) {
                item = with.call();
                fds = with.fds();
                if (item instanceof VarlinkCall) {
                    queuedFds -= fds.fds().size();
                }
            }
            if (item instanceof PendingCall pending) {
                if (!pending.isDone()) {
                    break;
                }
                if (pending.failure() != null) {
                    log.warn("closing connection {} after an unexpected error", connection, pending.failure());
                    ctx.close();
                    return;
                }
                item = pending.outcome();
            }
            queue.poll();
            if (!(item instanceof VarlinkCall) && fds != null) {
                fds.close();
            }
            if (item == null) {
                // A message that never ended: the connection is closing, or its input has.
                continue;
            }
            if (item instanceof ProtocolViolation) {
                VarlinkError error = errors.translate((ProtocolViolation) item);
                ctx.writeAndFlush(VarlinkReply.error(error)).addListener(ChannelFutureListener.CLOSE);
                discardQueue();
                return;
            }
            start((VarlinkCall) item, fds == null ? List.of() : fds.fds());
            if (!busy) {
                budget.callFinished();
            }
        }
        if (inactive) {
            return;
        }
        if (inputShutdown && !busy && queue.isEmpty()) {
            // The client has sent its last call and every call is answered. The close waits for
            // the replies before it to reach the socket, which a plain close would drop.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            updateAutoRead();
        }
    }

    private void start(VarlinkCall call, List<Fd> fds) {
        long started = System.nanoTime();
        CallContext context = new CallContext(call, connection, this::send, fds);
        if (services.draining()) {
            context.closeUntakenFds();
            // Stopping: the calls in flight finish, but no queued call starts, whichever thread it
            // would run on; otherwise a worker call would run or not depending on a race with the
            // worker pool's shutdown.
            context.fail(errors.translate(new RejectedExecutionException("the server is stopping")));
            return;
        }
        Method method;
        try {
            method = services.resolve(call, fds.size());
        } catch (VarlinkError e) {
            context.closeUntakenFds();
            context.fail(e);
            calls.finished(null, context.outcome(), System.nanoTime() - started);
            return;
        }
        if (method.execution() == Execution.EVENT_LOOP) {
            run(method, context, started);
            if (heldReply != null) {
                busy = true;
                callDone();
            }
            return;
        }
        busy = true;
        workers.execute(connection.uid(), () -> {
            try {
                run(method, context, started);
            } finally {
                // Whatever happened, the connection's next call and its close wait for this.
                ctx.executor().execute(this::callDone);
            }
        }, rejected -> ctx.executor().execute(() -> {
            context.closeUntakenFds();
            context.fail(errors.translate(rejected));
            calls.finished(call.method(), context.outcome(), System.nanoTime() - started);
            callDone();
        }));
    }

    /** On the event loop, once a call has run: after its held reply, if any, the connection goes on. */
    private void callDone() {
        CompletableFuture<Void> held = heldReply;
        if (held != null) {
            heldReply = null;
            held.whenComplete((ignored, failure) -> ctx.executor().execute(this::callDone));
            return;
        }
        busy = false;
        budget.callFinished();
        if (inactive) {
            observer.closed(connection);
        } else {
            drain();
        }
    }

    private void run(Method method, CallContext context, long started) {
        try {
            method.handler().handle(context);
            if (!context.finished()) {
                throw new IllegalStateException(context.call().method() + " finished without a reply");
            }
        } catch (ClientGone e) {
            log.debug("connection {} went away during {}", connection, LogText.escape(context.call().method()));
        } catch (Exception | Error e) {
            fail(context, e);
        } finally {
            context.closeUntakenFds();
        }
        // A oneway call sends no reply, yet the connection's next call still waits for its changes.
        CompletionStage<?> unanswered = heldReplies.awaitedByThisThread();
        if (unanswered != null) {
            hold(null, unanswered);
        }
        CompletableFuture<Void> held = heldReply;
        if (held == null) {
            calls.finished(context.call().method(), context.outcome(), System.nanoTime() - started);
        } else {
            // Its duration is what the client waits, the wait for durability included.
            held.whenComplete((ignored, failure) -> calls.finished(context.call().method(), context.outcome(),
                    System.nanoTime() - started));
        }
    }

    private void fail(CallContext context, Throwable failure) {
        if (context.finished()) {
            // A second reply would answer the connection's next call: the client has its reply.
            log.error("{} failed after it replied", LogText.escape(context.call().method()), failure);
            return;
        }
        try {
            context.fail(failure instanceof VarlinkError ? (VarlinkError) failure : errors.translate(failure));
        } catch (ClientGone e) {
            log.debug("connection {} went away before the error of {}", connection,
                    LogText.escape(context.call().method()));
        }
    }

    /**
     * Writes a reply. On the event loop, replies to a burst of pipelined calls share one flush; a
     * worker flushes each reply, and waits when the client reads slower than we stream.
     */
    private void send(VarlinkReply reply) {
        if (!reply.continues()) {
            CompletionStage<?> awaited = heldReplies.awaitedByThisThread();
            if (awaited != null) {
                hold(reply, awaited);
                return;
            }
        }
        if (ctx.executor().inEventLoop()) {
            (inReadCycle ? ctx.write(reply) : ctx.writeAndFlush(reply)).addListener(this::closeIfUnencodable);
            return;
        }
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            reply.fds().forEach(Fd::close);
            throw new ClientGone();
        }
        ChannelFuture written = channel.writeAndFlush(reply).addListener(this::closeIfUnencodable);
        if (!channel.isWritable()
                && !written.awaitUninterruptibly(SLOW_READER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            channel.close();
            throw new ClientGone();
        }
    }

    /**
     * Writes {@code reply} on the event loop once {@code awaited} completes, however it completes:
     * the change is made, and only its durability was in question.
     *
     * @param reply null for a oneway call, which has none
     */
    private void hold(VarlinkReply reply, CompletionStage<?> awaited) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        heldReply = written;
        heldReplies.track(written);
        awaited.whenComplete((ignored, failure) -> ctx.executor().execute(() -> {
            if (reply != null && ctx.channel().isActive()) {
                ctx.writeAndFlush(reply).addListener(this::closeIfUnencodable);
            }
            written.complete(null);
        }));
    }

    /**
     * A reply that Jackson cannot write is lost, and the client would wait for it for ever; a close
     * at least tells it that no reply is coming.
     */
    private void closeIfUnencodable(Future<? super Void> write) {
        if (write.cause() instanceof EncoderException) {
            log.error("closing connection {}: a reply could not be encoded", connection, write.cause());
            ctx.close();
        }
    }

    /** The client disconnected while a handler was still replying. */
    static final class ClientGone extends RuntimeException {
        ClientGone() {
            super(null, null, false, false);
        }
    }
}
