package io.bpfkeeper.daemon.varlink;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A long message that is parsed while it arrives: the framer adds each piece as it reads it, and a
 * parse on another thread reads the pieces through {@link #open}, waiting for the ones still to
 * come. The pieces are kept until {@link #release}, so that the message can be read again from its
 * start.
 */
final class ArrivingMessage {

    private final List<ByteBuf> pieces = new ArrayList<>();
    /** The NUL has arrived: there are no more pieces. */
    private boolean ended;
    /** The message will never end: the connection closed, or it grew too long. */
    private boolean abandoned;
    private boolean released;

    /** On the framer's thread. Takes over the piece. */
    synchronized void add(ByteBuf piece) {
        if (released) {
            piece.release();
            return;
        }
        pieces.add(piece);
        notifyAll();
    }

    /** On the framer's thread, once the NUL has arrived. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** On the framer's thread: no NUL will come, and the message is no call. */
    synchronized void abandon() {
        abandoned = true;
        notifyAll();
    }

    /**
     * Waits until the message has ended or been abandoned.
     *
     * @return whether it ended, which makes it a message
     */
    synchronized boolean awaitEnd() throws InterruptedException {
        while (!ended && !abandoned) {
            wait();
        }
        return ended;
    }

    /** Frees the pieces; the framer's later pieces are freed as they come. */
    synchronized void release() {
        released = true;
        pieces.forEach(ByteBuf::release);
        pieces.clear();
    }

    /** The message from its start, as far as it has arrived; a read waits for more. */
    InputStream open() {
        return new InputStream() {
            private int piece;
            /** How far this stream has read into its piece. */
            private int offset;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            /** Fills as much of {@code target} as has arrived, waiting only while nothing has. */
            @Override
            public int read(byte[] target, int targetOffset, int length) throws IOException {
                synchronized (ArrivingMessage.this) {
                    try {
                        while (!abandoned && !released && !ended && !hasMore()) {
                            ArrivingMessage.this.wait();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("stopped while waiting for the rest of a message");
                    }
                    if (abandoned || released) {
                        throw new IOException("the message ended before its NUL");
                    }
                    int count = 0;
                    while (count < length && hasMore()) {
                        ByteBuf next = pieces.get(piece);
                        int chunk = Math.min(length - count, next.readableBytes() - offset);
                        // Without moving the piece's reader index, so that the message reads again.
                        next.getBytes(next.readerIndex() + offset, target, targetOffset + count, chunk);
                        offset += chunk;
                        count += chunk;
                    }
                    return count > 0 || length == 0 ? count : -1;
                }
            }

            /** Whether a piece with bytes left has arrived, moving to it. */
            private boolean hasMore() {
                while (piece < pieces.size() && offset == pieces.get(piece).readableBytes()) {
                    piece++;
                    offset = 0;
                }
                return piece < pieces.size();
            }
        };
    }
}
