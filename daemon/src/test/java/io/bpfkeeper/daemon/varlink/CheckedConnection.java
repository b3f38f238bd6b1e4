package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.idl.Validator;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A raw Varlink connection for protocol tests. It sends messages exactly as given, and reads whole
 * reply messages, each checked against the IDL of the interface it comes from: no test sees an
 * off-contract reply without failing.
 */
final class CheckedConnection implements AutoCloseable {

    /** Only bounds a test whose server never answers; no test measures time with it. */
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);
    private static final Set<String> REPLY_FIELDS = Set.of("parameters", "continues", "error");
    private static final Map<String, Validator> VALIDATORS = Map.of(
            BpfkeeperInterface.NAME, new Validator(BpfkeeperInterface.definition()),
            VarlinkService.NAME, new Validator(VarlinkService.definition()),
            TestInterface.definition().name(), new Validator(TestInterface.definition()));

    private final VarlinkClient client;

    CheckedConnection(TestDaemon daemon) {
        client = daemon.rawClient();
        client.setReadTimeout(READ_DEADLINE);
    }

    /** Sends one call, written as single-quoted JSON such as {@code {'method': 'a.b.C'}}. */
    void send(String singleQuotedCall) {
        client.send(Json.object(singleQuotedCall));
    }

    /** Sends the bytes of the text as they are: no NUL is added, and the text need not be JSON. */
    void sendRaw(String text) {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) {
        client.sendRaw(bytes);
    }

    /** Sends a call and returns its one reply message, checked. */
    JsonNode call(String singleQuotedCall) {
        ObjectNode call = Json.object(singleQuotedCall);
        client.send(call);
        return readReplyTo(call.get("method").asText());
    }

    /**
     * Reads the next message whole, and checks that it is a reply to {@code method} or an error,
     * on the contract of the interface that declares it.
     */
    JsonNode readReplyTo(String method) {
        JsonNode message = client.readMessage();
        assertOnContract(method, message);
        return message;
    }

    /** Reads the next message, which must be an on-contract error, such as one that answers no call. */
    JsonNode readError() {
        JsonNode message = client.readMessage();
        assertThat(message.has("error")).as("an error: %s", message).isTrue();
        assertOnContract(null, message);
        return message;
    }

    /** The connection still serves: a GetInfo gets its answer. */
    void assertServes() {
        assertThat(call(Messages.GET_INFO_CALL).has("error")).as("GetInfo answered with an error").isFalse();
    }

    /**
     * The server has closed the connection: the next read finds its end, or a reset where the
     * server closed with bytes of ours unread, as it does when it stops reading a message that is
     * too long.
     */
    void assertClosedByServer() {
        assertThatThrownBy(client::readMessage)
                .isInstanceOf(UncheckedIOException.class)
                .satisfiesAnyOf(
                        closed -> assertThat(closed).hasRootCauseInstanceOf(EOFException.class),
                        reset -> assertThat(reset).hasRootCauseMessage("Connection reset"));
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * @param method the call the message answers, such as {@code io.bpfkeeper.Get}; null for an
     *     error that answers no call
     */
    static void assertOnContract(String method, JsonNode message) {
        assertThat(message.fieldNames()).toIterable().as("fields of %s", message).isSubsetOf(REPLY_FIELDS);
        assertThat(message.path("parameters").isObject()).as("parameters of %s is an object", message).isTrue();
        if (message.has("error")) {
            assertThat(message.has("continues")).as("an error that continues: %s", message).isFalse();
            String error = message.get("error").asText();
            assertThat(validator(error).validateError(memberName(error), message.get("parameters")))
                    .as("off-contract parameter of %s", message).isEmpty();
            return;
        }
        if (message.has("continues")) {
            assertThat(message.get("continues").asBoolean()).as("continues of %s", message).isTrue();
        }
        assertThat(validator(method).validateReply(memberName(method), message.get("parameters")))
                .as("off-contract parameter of the reply %s to %s", message, method).isEmpty();
    }

    private static Validator validator(String qualifiedName) {
        String interfaceName = qualifiedName.substring(0, Math.max(0, qualifiedName.lastIndexOf('.')));
        Validator validator = VALIDATORS.get(interfaceName);
        assertThat(validator).as("an IDL to check %s against", qualifiedName).isNotNull();
        return validator;
    }

    private static String memberName(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    }
}
