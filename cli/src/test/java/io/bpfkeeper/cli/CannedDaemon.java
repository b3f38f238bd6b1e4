package io.bpfkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.idl.Validator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for bpfkeeperd: a Varlink server on an AF_UNIX socket that
 * answers each call with what the test gave for its method, one connection at
 * a time. It checks every call it receives, and every reply it is given,
 * against the IDL, so that the CLI and these tests cannot drift from the
 * contract unnoticed.
 */
final class CannedDaemon implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Validator> CONTRACTS = Map.of(
            BpfkeeperInterface.NAME, new Validator(BpfkeeperInterface.definition()),
            VarlinkService.NAME, new Validator(VarlinkService.definition()));

    /** The reply messages for a call, each without its NUL; none means hang up. */
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> calls = new LinkedBlockingQueue<>();
    private final List<String> offContract = Collections.synchronizedList(new ArrayList<>());
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;

    CannedDaemon(Path directory) throws IOException {
        socket = directory.resolve("bpfkeeper.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "canned-bpfkeeperd");
        thread.setDaemon(true);
        thread.start();
    }

    Path socket() {
        return socket;
    }

    /** Answers calls of a method with replies of these parameters; all but the last continue. */
    CannedDaemon answer(String method, String... replyParameters) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < replyParameters.length; i++) {
            checkContract(method + " reply", validator(method).validateReply(shortName(method),
                    parse(replyParameters[i])));
            String continues = i < replyParameters.length - 1 ? ",\"continues\":true" : "";
            messages.add("{\"parameters\":" + replyParameters[i] + continues + "}");
        }
        answers.put(method, messages);
        return this;
    }

    /** Answers calls of a method with an error. */
    CannedDaemon fail(String method, String error, String errorParameters) {
        checkContract(error, validator(error).validateError(shortName(error), parse(errorParameters)));
        answers.put(method, List.of("{\"error\":\"" + error + "\",\"parameters\":" + errorParameters + "}"));
        return this;
    }

    /** Closes the connection when a method is called, as a daemon that dies would. */
    CannedDaemon hangUp(String method) {
        answers.put(method, List.of());
        return this;
    }

    /** The parameters of the next call received, which must be of this method. */
    JsonNode nextCall(String method) throws InterruptedException {
        JsonNode call = calls.poll(5, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no call of " + method);
        }
        if (!call.path("method").asText().equals(method)) {
            throw new AssertionError("expected a call of " + method + ", got " + call);
        }
        return call.path("parameters");
    }

    boolean receivedNoCall() {
        return calls.isEmpty();
    }

    /** Where a call or a canned reply broke the IDL; empty when all kept to it. */
    List<String> offContract() {
        return List.copyOf(offContract);
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel connection = server.accept()) {
                converse(connection);
            } catch (IOException e) {
                if (server.isOpen()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void converse(SocketChannel connection) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (connection.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b != 0) {
                    message.write(b);
                    continue;
                }
                List<String> replies = receive(parse(message.toString(StandardCharsets.UTF_8)));
                message.reset();
                if (replies.isEmpty()) {
                    return;
                }
                for (String reply : replies) {
                    connection.write(ByteBuffer.wrap((reply + "\0").getBytes(StandardCharsets.UTF_8)));
                }
            }
            buffer.clear();
        }
    }

    private List<String> receive(JsonNode call) {
        String method = call.path("method").asText();
        checkContract(method + " call", validator(method).validateCall(shortName(method), call.get("parameters")));
        calls.add(call);
        List<String> replies = answers.get(method);
        if (replies == null) {
            offContract.add("no answer for " + method);
            return List.of();
        }
        return replies;
    }

    private void checkContract(String what, Optional<String> offendingPath) {
        offendingPath.ifPresent(path -> offContract.add(what + ": " + path));
    }

    private static Validator validator(String qualifiedName) {
        return CONTRACTS.get(qualifiedName.substring(0, qualifiedName.lastIndexOf('.')));
    }

    private static String shortName(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
