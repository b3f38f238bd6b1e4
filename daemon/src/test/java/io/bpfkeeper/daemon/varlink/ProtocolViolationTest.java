package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.concat;
import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.framed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message that breaks the protocol gets one ProtocolViolation error, and then the server closes
 * that connection, since nothing after it can be trusted to be framed right. Other connections go
 * on as before.
 */
@KernelTest
class ProtocolViolationTest {

    private static final String GET_INFO = "org.varlink.service.GetInfo";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    /** Opened before each violation, to show that it outlives it. */
    private CheckedConnection bystander;
    private CheckedConnection violator;

    @BeforeEach
    void startDaemon() {
        daemon = TestDaemon.start(bpffs.path());
        bystander = new CheckedConnection(daemon);
        violator = new CheckedConnection(daemon);
    }

    @AfterEach
    void stopDaemon() {
        violator.close();
        bystander.close();
        daemon.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{'method': ",
        "{'method': 'org.varlink.service.GetInfo'",
        "",
        "[{'method': 'org.varlink.service.GetInfo'}]",
        "'org.varlink.service.GetInfo'",
        "{'parameters': {}}",
        "{'method': 42}",
        "{'method': 'org.varlink.service.GetInfo', 'parameters': []}",
        "{'method': 'org.varlink.service.GetInfo', 'more': 'yes'}",
        "{'method': 'org.varlink.service.GetInfo', 'more': true, 'oneway': true}",
        "{'method': 'org.varlink.service.GetInfo', 'oneway': true, 'upgrade': true}",
        "{'method': 'org.varlink.service.GetInfo'} {'method': 'org.varlink.service.GetInfo'}",
        "{'method': 'org.varlink.service.GetInfo'} trailing",
    })
    void violationIsAnsweredOnceThenTheConnectionCloses(String message) {
        violator.sendRaw(Json.text(message) + "\0");

        assertProtocolViolation(violator.readReplyTo(GET_INFO));
        violator.assertClosedByServer();
        assertServes(bystander);
        assertServes(new CheckedConnection(daemon));
    }

    @Test
    void invalidUtf8IsAViolation() {
        violator.sendRaw(concat("{\"method\": \"org.varlink.service.GetInfo".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xc3, (byte) 0x28, '"', '}', 0}));

        assertProtocolViolation(violator.readReplyTo(GET_INFO));
        violator.assertClosedByServer();
    }

    /** Calls before the violation are answered; a call after it, sent in the same write, never runs. */
    @Test
    void violationEndsTheConnectionAfterTheCallsBeforeIt() {
        long mapId = bystander.call("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'guarded',"
                + " 'type': 'array', 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}").at("/parameters/object/id").asLong();

        violator.sendRaw(concat(
                framed("{'method': 'org.varlink.service.GetInfo'}"),
                "{]\0".getBytes(StandardCharsets.UTF_8),
                framed("{'method': 'io.bpfkeeper.MapUpdate', 'parameters': {'id': " + mapId
                        + ", 'key': '00000000', 'value': '01000000'}}")));

        assertThat(violator.readReplyTo(GET_INFO).has("error")).isFalse();
        assertProtocolViolation(violator.readReplyTo(GET_INFO));
        violator.assertClosedByServer();
        assertThat(bystander.call("{'method': 'io.bpfkeeper.MapLookup', 'parameters': {'id': " + mapId
                + ", 'key': '00000000'}}")).isEqualTo(Json.object("{'parameters': {'value': '00000000'}}"));
    }

    /** A violation that arrives while a worker runs an earlier call waits for that call's reply. */
    @Test
    void violationWaitsForTheWorkerCallBeforeIt() {
        violator.sendRaw(concat(
                framed("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'before', 'type': 'array',"
                        + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}"),
                "not json\0".getBytes(StandardCharsets.UTF_8)));

        assertThat(violator.readReplyTo("io.bpfkeeper.CreateMap").at("/parameters/object/name").asText())
                .isEqualTo("before");
        assertProtocolViolation(violator.readReplyTo(GET_INFO));
        violator.assertClosedByServer();
    }

    private static void assertProtocolViolation(JsonNode reply) {
        assertThat(reply.path("error").asText()).isEqualTo("io.bpfkeeper.ProtocolViolation");
        assertThat(reply.get("parameters").fieldNames()).toIterable().containsExactly("message");
        assertThat(reply.at("/parameters/message").asText()).endsWith("; the connection is closed");
    }

    private static void assertServes(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'org.varlink.service.GetInfo'}").has("error")).isFalse();
    }
}
