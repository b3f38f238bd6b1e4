package io.bpfkeeper.daemon.varlink;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the bytes one connection has in flight: the message arriving, the messages that ended and
 * whose calls are queued or running, and the replies not yet written. It sits next to the socket,
 * so it sees the bytes as read and as written. Over budget, it marks the channel unwritable (a
 * writability of its own), which makes the dispatcher stop reading; the client's further bytes wait
 * in its socket. Under budget again, reading resumes.
 *
 * <p>It also closes a connection whose message takes longer than the arrival timeout to arrive
 * while the daemon reads; a connection between messages may stay open for ever.
 */
final class ConnectionBudget extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);
    /** Netty's user-defined writabilities are numbered 1 to 31; this one is the budget's. */
    private static final int BUDGET_WRITABILITY = 1;
    /** A queued call costs at least this, however short its message: its parsed form outweighs a few bytes. */
    static final int MIN_CALL_COST = 512;

    /** A message that ended and whose call has not finished. */
    private record Held(long bytes, boolean slot) {
    }

    private final InFlightBudget shared;
    private final long connectionBytes;
    private final long arrivalTimeoutNanos;
    private final ArrayDeque<Held> ended = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The bytes read of the message that has not ended yet. */
    private long arriving;
    private boolean arrivingHasSlot;
    private boolean waitingForSlot;
    private long endedBytes;
    private long unwrittenBytes;
    private boolean paused;
    private boolean readWanted;
    private boolean closed;
    private ScheduledFuture<?> arrivalDeadline;

    ConnectionBudget(InFlightBudget shared, long connectionBytes, Duration arrivalTimeout) {
        this.shared = shared;
        this.connectionBytes = connectionBytes;
        this.arrivalTimeoutNanos = arrivalTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            count(bytes);
        }
        ctx.fireChannelRead(msg);
        update();
    }

    /** Before the framer sees them: every message that ends here is held until its call finishes. */
    private void count(ByteBuf bytes) {
        int from = bytes.readerIndex();
        int end = bytes.writerIndex();
        for (int nul = bytes.indexOf(from, end, (byte) 0); nul >= 0; nul = bytes.indexOf(from, end, (byte) 0)) {
            messageEnded(arriving + nul - from + 1);
            from = nul + 1;
        }
        if (end > from) {
            messageGrew(end - from);
        }
    }

    private void messageEnded(long length) {
        long cost = Math.max(length, MIN_CALL_COST);
        shared.add(cost - arriving);
        ended.add(new Held(cost, arrivingHasSlot));
        endedBytes += cost;
        arriving = 0;
        arrivingHasSlot = false;
        stopArrivalClock();
    }

    private void messageGrew(long bytes) {
        if (arriving == 0) {
            startArrivalClock();
        }
        arriving += bytes;
        shared.add(bytes);
        if (arriving > connectionBytes && !arrivingHasSlot && !waitingForSlot) {
            arrivingHasSlot = shared.takeSlot(this);
            waitingForSlot = !arrivingHasSlot;
        }
    }

    /** The dispatcher finished the oldest call: its message's bytes, and its slot, are free. */
    void callFinished() {
        Held call = ended.poll();
        if (call == null) {
            return;
        }
        endedBytes -= call.bytes();
        shared.add(-call.bytes());
        if (call.slot()) {
            shared.returnSlot();
        }
        update();
    }

    /** From any thread: the slot this connection waited for is its own now. */
    void slotGranted() {
        ctx.executor().execute(() -> {
            waitingForSlot = false;
            if (closed) {
                shared.returnSlot();
                return;
            }
            arrivingHasSlot = true;
            update();
        });
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf bytes = msg instanceof OutgoingWithFds withFds ? withFds.content()
                : msg instanceof ByteBuf plain ? plain : null;
        if (bytes != null && bytes.isReadable()) {
            int length = bytes.readableBytes();
            unwrittenBytes += length;
            shared.add(length);
            promise = promise.unvoid();
            promise.addListener(written -> {
                unwrittenBytes -= length;
                shared.add(-length);
                update();
            });
        }
        ctx.write(msg, promise);
    }

    /** A read asked for while paused, by the framer waiting for the rest of a message, waits for the resume. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (paused) {
            readWanted = true;
        } else {
            ctx.read();
        }
    }

    private void update() {
        boolean overBudget = endedBytes + unwrittenBytes >= connectionBytes
                || (arriving > connectionBytes && !arrivingHasSlot);
        if (closed || overBudget == paused) {
            return;
        }
        ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        if (outbound == null) {
            return;
        }
        paused = overBudget;
        outbound.setUserDefinedWritability(BUDGET_WRITABILITY, !paused);
        if (paused) {
            stopArrivalClock();
        } else {
            if (arriving > 0) {
                // The time it waited for us is not the client's.
                startArrivalClock();
            }
            if (readWanted) {
                readWanted = false;
                ctx.read();
            }
        }
    }

    private void startArrivalClock() {
        stopArrivalClock();
        arrivalDeadline = ctx.executor().schedule(this::arrivalTimedOut, arrivalTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stopArrivalClock() {
        if (arrivalDeadline != null) {
            arrivalDeadline.cancel(false);
            arrivalDeadline = null;
        }
    }

    private void arrivalTimedOut() {
        arrivalDeadline = null;
        if (closed || arriving == 0) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // Not read because of its unread replies or its queued calls: the message has not had
            // its time yet.
            startArrivalClock();
            return;
        }
        log.info("closing a connection whose message did not arrive within {} ms ({} bytes so far)",
                TimeUnit.NANOSECONDS.toMillis(arrivalTimeoutNanos), arriving);
        ctx.close();
    }

    /** The client shut down its sending side: a message without its NUL will never end, nor need a slot. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            stopArrivalClock();
            shared.add(-arriving);
            arriving = 0;
            if (arrivingHasSlot) {
                arrivingHasSlot = false;
                shared.returnSlot();
            }
            update();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        stopArrivalClock();
        shared.stopWaiting(this);
        shared.add(-(arriving + endedBytes));
        if (arrivingHasSlot) {
            shared.returnSlot();
        }
        for (Held call : ended) {
            if (call.slot()) {
                shared.returnSlot();
            }
        }
        ended.clear();
        arriving = 0;
        endedBytes = 0;
        super.channelInactive(ctx);
    }
}
