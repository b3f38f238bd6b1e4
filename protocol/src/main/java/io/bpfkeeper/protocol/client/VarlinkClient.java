package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A blocking Varlink client over one AF_UNIX connection.
 *
 * <p>Parameters may be anything the shared {@link ObjectMapper} writes as a
 * JSON object: records, maps or {@link JsonNode}s; {@code null} sends no
 * {@code parameters}. Every I/O failure is an {@link UncheckedIOException}:
 * its cause is an {@link java.io.EOFException} when the server closed the
 * connection, a {@link java.net.SocketTimeoutException} when the read
 * timeout passed, and a {@link ProtocolException} when a reply breaks the
 * Varlink rules.
 *
 * <p>Not thread-safe. Varlink matches replies to calls only by their order,
 * so one connection serves one thread at a time; open one client per thread.
 * After an exception other than {@link VarlinkCallException}, the position in
 * the stream of replies is unknown, and the client should be closed.
 */
public final class VarlinkClient implements AutoCloseable {
    /** Strict about trailing bytes, since each message must be exactly one JSON object. */
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final int PIECE_BYTES = 64 * 1024;
    private static final int[] NO_FDS = new int[0];

    /**
     * Sends a message in pieces while it is being written, so that the service reads and parses a
     * long one (a MapUpdateBatch of 100,000 entries is 4.6 MB) while the rest is still being
     * serialized. A message shorter than a piece still goes with one write.
     */
    private final class MessageOutput extends OutputStream {
        private final byte[] piece = new byte[PIECE_BYTES];
        private int size;

        @Override
        public void write(int b) throws IOException {
            if (size == piece.length) {
                send();
            }
            piece[size++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (size == piece.length) {
                    send();
                }
                int chunk = Math.min(length, piece.length - size);
                System.arraycopy(bytes, offset, piece, size, chunk);
                size += chunk;
                offset += chunk;
                length -= chunk;
            }
        }

        /** Fds for the message's first byte, until its first piece is sent. */
        private int[] fds = NO_FDS;

        /** Sends what the piece holds. */
        void send() throws ServiceStoppedReading {
            try {
                channel.write(piece, size, fds);
            } catch (IOException e) {
                throw new ServiceStoppedReading(e);
            }
            size = 0;
            fds = NO_FDS;
        }

        /** Drops what a failed message left in the piece, so that it does not lead the next one. */
        void discard() {
            size = 0;
            fds = NO_FDS;
        }
    }

    /** The socket refused a piece of a call: the service closed the connection, perhaps with an error first. */
    private static final class ServiceStoppedReading extends IOException {
        ServiceStoppedReading(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    @FunctionalInterface
    private interface JsonWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final MessageChannel channel;
    private final MessageOutput out = new MessageOutput();
    private Duration readTimeout = Duration.ZERO;

    private VarlinkClient(MessageChannel channel) {
        this.channel = channel;
    }

    public static VarlinkClient connect(Path socketPath) {
        try {
            return new VarlinkClient(MessageChannel.connect(socketPath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + socketPath, e);
        }
    }

    /**
     * A client that can pass fds with its calls and receive them with replies ({@link #call(String,
     * Object, int[])}). Its reads and writes go through {@code recvmsg} and {@code sendmsg} on a
     * native buffer, a little slower than a plain connection's.
     */
    public static VarlinkClient connectPassingFds(Path socketPath) {
        try {
            return new VarlinkClient(MessageChannel.connectPassingFds(socketPath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + socketPath, e);
        }
    }

    /**
     * A reply and the fds that came with it, which the caller owns and closes. The reply refers to
     * them by their index.
     */
    public record ReplyWithFds(JsonNode parameters, int[] fds) {
    }

    /**
     * Calls a method with {@code fds} attached to the call's first byte, and waits for its reply.
     * The parameters refer to the fds by their index in {@code fds}; the caller keeps its own. Only
     * a client made with {@link #connectPassingFds} can.
     *
     * @throws VarlinkCallException if the service answered with an error; the client closes any
     *     fds that came with it
     */
    public ReplyWithFds call(String method, Object parameters, int[] fds) {
        if (!channel.passesFds()) {
            throw new IllegalStateException("this client does not pass fds; connect with connectPassingFds");
        }
        out.fds = fds.clone();
        JsonNode reply = call(method, parameters);
        return new ReplyWithFds(reply, channel.takeFds());
    }

    /** The mapper that writes parameters and reads replies; do not reconfigure it. */
    static ObjectMapper json() {
        return JSON;
    }

    /**
     * Calls a method and waits for its reply.
     *
     * @param method the fully qualified method name, such as {@code io.bpfkeeper.Get}
     * @return the reply's parameters; {@code {}} when it had none
     * @throws VarlinkCallException if the service answered with an error
     */
    public JsonNode call(String method, Object parameters) {
        sendCall(method, parameters, null);
        JsonNode reply = readReply();
        if (reply.path("continues").asBoolean(false)) {
            throw new UncheckedIOException(
                    new ProtocolException("a reply to " + method + " continues, but the call did not ask for more"));
        }
        return parametersOf(reply);
    }

    /**
     * Calls a method with {@code "more": true} and hands each reply's parameters
     * to {@code onReply}, up to and including the reply that does not continue.
     *
     * @throws VarlinkCallException if the service answered with an error, which ends the stream
     */
    public void callMore(String method, Object parameters, Consumer<JsonNode> onReply) {
        sendCall(method, parameters, "more");
        JsonNode reply;
        do {
            reply = readReply();
            onReply.accept(parametersOf(reply));
        } while (reply.path("continues").asBoolean(false));
    }

    /** Like {@link #callMore}, collecting every reply's parameters. */
    public List<JsonNode> collectMore(String method, Object parameters) {
        List<JsonNode> replies = new ArrayList<>();
        callMore(method, parameters, replies::add);
        return replies;
    }

    /** Calls a method with {@code "oneway": true}; the service sends no reply. */
    public void oneway(String method, Object parameters) {
        sendCall(method, parameters, "oneway");
    }

    /** Sends a whole call message as it is, without waiting for a reply; for pipelining. */
    public void send(ObjectNode callMessage) {
        send(callMessage, NO_FDS);
    }

    /** Like {@link #send(ObjectNode)}, with {@code fds} on the message's first byte, as {@link #call(String, Object, int[])}. */
    public void send(ObjectNode callMessage, int[] fds) {
        if (fds.length > 0 && !channel.passesFds()) {
            throw new IllegalStateException("this client does not pass fds; connect with connectPassingFds");
        }
        out.fds = fds.clone();
        try {
            frame(buffer -> JSON.writeValue(buffer, callMessage));
        } catch (ServiceStoppedReading e) {
            throw new UncheckedIOException(e.getCause());
        }
    }

    /** Writes bytes exactly as given, with no NUL added; for tests that break the protocol. */
    public void sendRaw(byte[] bytes) {
        sendRaw(bytes, NO_FDS);
    }

    /** Like {@link #sendRaw(byte[])}, with {@code fds} on the first byte. */
    public void sendRaw(byte[] bytes, int[] fds) {
        try {
            channel.write(bytes, bytes.length, fds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the next reply message whole: {@code parameters}, and {@code error}
     * or {@code continues} where present. Waits at most the read timeout.
     */
    public JsonNode readMessage() {
        try {
            JsonNode message = channel.read(readTimeout, JSON::readTree);
            if (!message.isObject()) {
                throw new ProtocolException("a reply is not a JSON object: " + message);
            }
            return message;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bounds how long {@link #readMessage} and every call wait for one reply
     * message; zero, the default, waits for ever. Writes are not bounded.
     */
    public void setReadTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout " + timeout);
        }
        readTimeout = timeout;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a call. When the service closes the connection while the call is still being written,
     * as it does with a message over its size limit, the error it sent first is what the caller
     * needs to see, not the broken pipe.
     *
     * @param flag {@code "more"}, {@code "oneway"} or {@code null}
     */
    private void sendCall(String method, Object parameters, String flag) {
        Objects.requireNonNull(method, "method");
        try {
            frame(buffer -> {
                try (JsonGenerator generator = JSON.createGenerator(buffer)) {
                    generator.writeStartObject();
                    generator.writeStringField("method", method);
                    if (parameters != null) {
                        generator.writeFieldName("parameters");
                        JSON.writeValue(generator, parameters);
                    }
                    if (flag != null) {
                        generator.writeBooleanField(flag, true);
                    }
                    generator.writeEndObject();
                }
            });
        } catch (ServiceStoppedReading writeFailure) {
            JsonNode answer;
            try {
                answer = readMessage();
            } catch (UncheckedIOException nothingToRead) {
                throw new UncheckedIOException(writeFailure.getCause());
            }
            if (answer.hasNonNull("error")) {
                throw new VarlinkCallException(answer.get("error").asText(), parametersOf(answer));
            }
            throw new UncheckedIOException(writeFailure.getCause());
        }
    }

    /**
     * Writes a message and its NUL, in pieces as it grows.
     *
     * @throws ServiceStoppedReading if the socket refused a piece
     */
    private void frame(JsonWriter message) throws ServiceStoppedReading {
        try {
            message.writeTo(out);
            out.write(0);
            out.send();
        } catch (ServiceStoppedReading e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out.discard();
        }
    }

    private JsonNode readReply() {
        JsonNode reply = readMessage();
        if (reply.hasNonNull("error")) {
            throw new VarlinkCallException(reply.get("error").asText(), parametersOf(reply));
        }
        return reply;
    }

    private static JsonNode parametersOf(JsonNode reply) {
        JsonNode parameters = reply.get("parameters");
        return parameters != null && parameters.isObject() ? parameters : JSON.createObjectNode();
    }
}
