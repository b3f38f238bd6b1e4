package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Parses one NUL-delimited frame into a {@link VarlinkCall}, or rejects it as a protocol violation. */
@ChannelHandler.Sharable
final class CallDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final ObjectMapper json;
    /** A message is exactly one JSON object: anything after it makes the message malformed. */
    private final ObjectReader reader;

    CallDecoder(ObjectMapper json) {
        super(ByteBuf.class);
        this.json = json;
        this.reader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(parse(frame));
    }

    private VarlinkCall parse(ByteBuf frame) {
        JsonNode message;
        try {
            message = reader.readTree((java.io.InputStream) new ByteBufInputStream(frame));
        } catch (JsonProcessingException e) {
            throw ProtocolViolation.malformed("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProtocolViolation.malformed("unreadable message: " + e.getMessage());
        }
        if (message == null || !message.isObject()) {
            throw ProtocolViolation.malformed("a call must be a JSON object");
        }
        String method = null;
        ObjectNode parameters = null;
        boolean oneway = false;
        boolean more = false;
        boolean upgrade = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = message.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "method":
                    if (!value.isTextual()) {
                        throw ProtocolViolation.malformed("\"method\" must be a string");
                    }
                    method = value.asText();
                    break;
                case "parameters":
                    if (!value.isNull() && !value.isObject()) {
                        throw ProtocolViolation.malformed("\"parameters\" must be an object");
                    }
                    parameters = value.isObject() ? (ObjectNode) value : null;
                    break;
                case "oneway":
                    oneway = flag(field.getKey(), value);
                    break;
                case "more":
                    more = flag(field.getKey(), value);
                    break;
                case "upgrade":
                    upgrade = flag(field.getKey(), value);
                    break;
                default:
                    // Unknown top-level fields are reserved for future protocol versions; ignore them.
                    break;
            }
        }
        if (method == null) {
            throw ProtocolViolation.malformed("a call needs a \"method\"");
        }
        if ((oneway ? 1 : 0) + (more ? 1 : 0) + (upgrade ? 1 : 0) > 1) {
            throw ProtocolViolation.malformed("at most one of \"oneway\", \"more\" and \"upgrade\" may be set");
        }
        return new VarlinkCall(method, parameters != null ? parameters : json.createObjectNode(), oneway, more,
                upgrade);
    }

    private static boolean flag(String name, JsonNode value) {
        if (value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ProtocolViolation.malformed("\"" + name + "\" must be a boolean");
        }
        return value.booleanValue();
    }
}
