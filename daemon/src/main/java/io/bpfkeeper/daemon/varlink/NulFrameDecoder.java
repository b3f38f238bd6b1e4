package io.bpfkeeper.daemon.varlink;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into messages at each NUL, and fails as soon as a message grows past the
 * limit, before its NUL arrives. It remembers how far it has searched the message it is waiting
 * for, so that a long message arriving in many small reads is scanned once: Netty's
 * DelimiterBasedFrameDecoder searches from the message's start on every read, which lets one
 * client that trickles in a 16 MiB message hold its event loop, and every connection on it, for
 * seconds.
 */
final class NulFrameDecoder extends ByteToMessageDecoder {

    private final long maxMessageBytes;
    /** How many bytes from the reader index are known to hold no NUL. */
    private int searched;
    /** Set once a message was too long: the connection is closing, and the rest is discarded. */
    private boolean failed;

    NulFrameDecoder(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int nul = in.indexOf(start + searched, in.writerIndex(), (byte) 0);
        int length = nul < 0 ? in.readableBytes() : nul - start;
        if (length > maxMessageBytes) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw new TooLongFrameException("message longer than " + maxMessageBytes + " bytes");
        }
        if (nul < 0) {
            searched = length;
            return;
        }
        searched = 0;
        out.add(in.readRetainedSlice(length));
        in.skipBytes(1);
    }
}
