package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses one NUL-delimited message into a {@link VarlinkCall}, or rejects it as a protocol
 * violation. The message is read field by field into a tree, except the parameters of a method
 * with a {@link ParameterReader}, which that reader reads straight from the parser: a batch of
 * 100,000 map entries then never becomes 100,000 small objects. A whole message is parsed here, on
 * its event loop; an {@link ArrivingMessage} on a {@link ParseAhead} thread, which the call waits
 * for as a {@link PendingCall}.
 */
@ChannelHandler.Sharable
final class CallDecoder extends MessageToMessageDecoder<Object> {

    private final ObjectMapper json;
    /** The reader of a fully qualified method's parameters; null for a method whose parameters stay a tree. */
    private final Function<String, ParameterReader> parameterReaders;
    private final ParseAhead parseAhead;

    CallDecoder(ObjectMapper json, Function<String, ParameterReader> parameterReaders, ParseAhead parseAhead) {
        this.json = json;
        this.parameterReaders = parameterReaders;
        this.parseAhead = parseAhead;
    }

    @Override
    public boolean acceptInboundMessage(Object message) {
        return message instanceof ByteBuf || message instanceof ArrivingMessage;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object message, List<Object> out) {
        if (message instanceof ArrivingMessage arriving) {
            out.add(parseAhead.parse(arriving, each -> parse(() -> json.getFactory().createParser(each.open()))));
        } else {
            ByteBuf frame = (ByteBuf) message;
            // A duplicate for each read, so that the frame reads again from its start.
            out.add(parse(() -> json.getFactory().createParser((InputStream) new ByteBufInputStream(frame.duplicate()))));
        }
    }

    /** A parser of the message from its start, which can be opened more than once. */
    @FunctionalInterface
    private interface MessageSource {
        JsonParser open() throws IOException;
    }

    private VarlinkCall parse(MessageSource source) {
        VarlinkCall call = parse(source, true);
        if (call == null) {
            // A second "method" after parameters that a reader read for the first: as in a tree,
            // the last one counts, so read the message again, keeping the parameters as a tree.
            call = parse(source, false);
        }
        return call;
    }

    /**
     * @param readAsTheyCome whether the parameters of a method with a reader, once its name is
     *     known, go to that reader straight from the message
     * @return null when "method" came again after such parameters
     */
    private VarlinkCall parse(MessageSource source, boolean readAsTheyCome) {
        try (JsonParser parser = source.open()) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                requireEnd(parser);
                throw ProtocolViolation.malformed("a call must be a JSON object");
            }
            ObjectNode message = json.createObjectNode();
            CallParameters read = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                ParameterReader reader = readAsTheyCome && field.equals("parameters") && value == JsonToken.START_OBJECT
                        ? readerOf(message.get("method")) : null;
                if (reader != null) {
                    read = read(reader, parser);
                    // For the checks of the message below, which see that "parameters" is an object.
                    message.putObject(field);
                    continue;
                }
                if (read != null && field.equals("method")) {
                    return null;
                }
                if (field.equals("parameters")) {
                    // A later "parameters" replaces the ones read before, as in a tree.
                    read = null;
                }
                message.set(field, value == JsonToken.VALUE_NULL ? NullNode.getInstance() : json.readTree(parser));
            }
            requireEnd(parser);
            return call(message, read);
        } catch (JsonProcessingException e) {
            throw ProtocolViolation.malformed("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProtocolViolation.malformed("unreadable message: " + e.getMessage());
        }
    }

    /** A message is exactly one JSON value: anything after it makes the message malformed. */
    private static void requireEnd(JsonParser parser) throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw ProtocolViolation.malformed("malformed JSON: " + trailing + " after the end of the message");
        }
    }

    private ParameterReader readerOf(JsonNode method) {
        return method != null && method.isTextual() ? parameterReaders.apply(method.textValue()) : null;
    }

    private static CallParameters read(ParameterReader reader, JsonParser parser) throws IOException {
        try {
            return new CallParameters.Read(reader.read(parser));
        } catch (VarlinkError refused) {
            return new CallParameters.Refused(refused);
        }
    }

    /** @param read what a reader made of the parameters, or null when they are in the message tree */
    private VarlinkCall call(ObjectNode message, CallParameters read) throws IOException {
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
        return new VarlinkCall(method, read != null ? read : parameters(method, parameters), oneway, more, upgrade);
    }

    /**
     * Parameters that are a tree: absent or null ones, and ones that came before "method". A method
     * with a reader gets them through its reader all the same, so that one reader checks them
     * whichever order the client wrote.
     */
    private CallParameters parameters(String method, ObjectNode tree) throws IOException {
        ObjectNode parameters = tree != null ? tree : json.createObjectNode();
        ParameterReader reader = parameterReaders.apply(method);
        if (reader == null) {
            return new CallParameters.Tree(parameters);
        }
        try (JsonParser parser = parameters.traverse(json)) {
            parser.nextToken();
            return read(reader, parser);
        }
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
