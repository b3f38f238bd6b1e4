package io.bpfkeeper.daemon.varlink;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Parses long messages on threads of their own while they arrive. A 4.6 MB MapUpdateBatch takes
 * about as long to arrive as to parse, and its event loop would otherwise sit idle through the one
 * and then parse it alone. One thread parses one message at a time and waits for its pieces, so a
 * client that trickles a long message in holds a thread until its message ends: a long message that
 * finds every thread taken is framed whole and parsed on its event loop, as every short one is.
 */
final class ParseAhead implements AutoCloseable {

    private final int fromBytes;
    private final Semaphore freeThreads;
    private final ExecutorService threads;

    /** @param fromBytes how long a message grows, without its NUL, before its parse starts */
    ParseAhead(int threads, int fromBytes) {
        this.fromBytes = fromBytes;
        this.freeThreads = new Semaphore(threads);
        this.threads = Executors.newFixedThreadPool(threads, new DefaultThreadFactory("bpfkeeper-parse", true));
    }

    int fromBytes() {
        return fromBytes;
    }

    /** A message to add the pieces of as they arrive, or null when every thread is taken. */
    ArrivingMessage begin() {
        return freeThreads.tryAcquire() ? new ArrivingMessage() : null;
    }

    /**
     * Parses a message that {@link #begin} gave, on a thread of its own.
     *
     * @param parser turns the message into a call, or throws the ProtocolViolation it is
     * @return the call, done once the message has ended or been abandoned, whenever its parse
     *     finished: a malformed message is answered after it, as one parsed whole is
     */
    PendingCall parse(ArrivingMessage message, Function<ArrivingMessage, VarlinkCall> parser) {
        PendingCall call = new PendingCall();
        try {
            threads.execute(() -> {
                try {
                    Object outcome = parseOrViolation(message, parser);
                    call.complete(message.awaitEnd() ? outcome : null);
                } catch (InterruptedException stopping) {
                    call.complete(null);
                } catch (RuntimeException | Error bug) {
                    call.fail(bug);
                } finally {
                    message.release();
                    freeThreads.release();
                }
            });
        } catch (RejectedExecutionException stopped) {
            // The server is stopping, and its connections with it.
            message.release();
            call.complete(null);
        }
        return call;
    }

    private static Object parseOrViolation(ArrivingMessage message, Function<ArrivingMessage, VarlinkCall> parser) {
        try {
            return parser.apply(message);
        } catch (ProtocolViolation violation) {
            return violation;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
