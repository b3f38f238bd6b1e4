package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.Fd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes each reply as one compact JSON object followed by the NUL that ends a Varlink message. A
 * reply with fds becomes an {@link OutgoingWithFds}, which the channel sends with its fds.
 */
@ChannelHandler.Sharable
final class ReplyEncoder extends MessageToByteEncoder<VarlinkReply> {

    private final ObjectMapper json;

    ReplyEncoder(ObjectMapper json) {
        super(VarlinkReply.class);
        this.json = json;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof VarlinkReply reply) || reply.fds().isEmpty()) {
            super.write(ctx, msg, promise);
            return;
        }
        // Direct, as the channel's sendmsg needs the bytes' address.
        ByteBuf out = ctx.alloc().directBuffer();
        try {
            encode(ctx, reply, out);
        } catch (Exception | Error e) {
            out.release();
            reply.fds().forEach(Fd::close);
            throw new EncoderException(e);
        }
        ctx.write(new OutgoingWithFds(out, reply.fds()), promise);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, VarlinkReply reply, ByteBuf out) throws Exception {
        try (JsonGenerator generator = json.getFactory().createGenerator((java.io.OutputStream)
                new ByteBufOutputStream(out))) {
            generator.writeStartObject();
            if (reply.error() != null) {
                generator.writeStringField("error", reply.error());
            }
            generator.writeFieldName("parameters");
            json.writeValue(generator, reply.parameters());
            if (reply.continues()) {
                generator.writeBooleanField("continues", true);
            }
            generator.writeEndObject();
        }
        out.writeByte(0);
    }
}
