package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes each reply as one compact JSON object followed by the NUL that ends a Varlink message. */
@ChannelHandler.Sharable
final class ReplyEncoder extends MessageToByteEncoder<VarlinkReply> {

    private final ObjectMapper json;

    ReplyEncoder(ObjectMapper json) {
        super(VarlinkReply.class);
        this.json = json;
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
