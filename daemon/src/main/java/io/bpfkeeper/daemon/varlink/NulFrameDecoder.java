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
 *
 * <p>A message that grows long without its NUL is handed on as an {@link ArrivingMessage} when a
 * parse thread is free, and its pieces are added to it as they are read, to be parsed while the
 * rest arrives; every other message goes on whole, as a buffer.
 *
 * <p>Fds that a read brought ({@link ReceivedFds}) go on right before the message that the read's
 * first byte begins. A read with fds that begins inside a message breaks the protocol, as it does
 * in sd-varlink: fds come with the first byte of their message.
 */
final class NulFrameDecoder extends ByteToMessageDecoder {

    private final long maxMessageBytes;
    private final ParseAhead parseAhead;
    /** How many bytes from the reader index are known to hold no NUL. */
    private int searched;
    /** Set once a message was too long: the connection is closing, and the rest is discarded. */
    private boolean failed;
    /** The message being parsed as it arrives, if any. */
    private ArrivingMessage arriving;
    private long arrivedBytes;

    NulFrameDecoder(long maxMessageBytes, ParseAhead parseAhead) {
        this.maxMessageBytes = maxMessageBytes;
        this.parseAhead = parseAhead;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ReceivedFds fds) {
            passOn(ctx, fds);
        } else {
            super.channelRead(ctx, msg);
        }
    }

    private void passOn(ChannelHandlerContext ctx, ReceivedFds fds) {
        if (failed || fds.truncated() || arriving != null || internalBuffer().isReadable()) {
            fds.close();
            if (failed) {
                return;
            }
            failed = true;
            throw ProtocolViolation.malformed(fds.truncated()
                    ? "more file descriptors with one message than the " + ReceivedFds.MAX_PER_MESSAGE + " allowed"
                    : "file descriptors must come with the first byte of their message");
        }
        ctx.fireChannelRead(fds);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (arriving != null) {
            addToArriving(in);
            return;
        }
        int start = in.readerIndex();
        int nul = in.indexOf(start + searched, in.writerIndex(), (byte) 0);
        int length = nul < 0 ? in.readableBytes() : nul - start;
        if (length > maxMessageBytes) {
            fail(in);
        }
        if (nul < 0) {
            searched = length;
            if (length >= parseAhead.fromBytes()) {
                arriving = parseAhead.begin();
                if (arriving != null) {
                    searched = 0;
                    arrivedBytes = 0;
                    out.add(arriving);
                    addToArriving(in);
                }
            }
            return;
        }
        searched = 0;
        out.add(in.readRetainedSlice(length));
        in.skipBytes(1);
    }

    /** Adds what was read of the arriving message, up to its NUL, which ends it. */
    private void addToArriving(ByteBuf in) {
        int nul = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) 0);
        int length = nul < 0 ? in.readableBytes() : nul - in.readerIndex();
        arrivedBytes += length;
        if (arrivedBytes > maxMessageBytes) {
            abandonArriving();
            fail(in);
        }
        arriving.add(in.readRetainedSlice(length));
        if (nul >= 0) {
            in.skipBytes(1);
            arriving.end();
            arriving = null;
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw new TooLongFrameException("message longer than " + maxMessageBytes + " bytes");
    }

    /** The input ended, with the connection or its sending half: a message without its NUL is none. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (arriving != null) {
            abandonArriving();
        }
    }

    private void abandonArriving() {
        arriving.abandon();
        arriving = null;
    }
}
