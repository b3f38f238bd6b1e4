package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.GET_INFO_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.concat;
import static io.bpfkeeper.daemon.varlink.Messages.createMap;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static io.bpfkeeper.daemon.varlink.Messages.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message that breaks the protocol gets one ProtocolViolation error, and then the server closes
 * that connection, since nothing after it can be trusted to be framed right. Other connections go
 * on as before, such as a bystander opened before the violation.
 */
@KernelTest
class ProtocolViolationTest {

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

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
    void violationIsAnsweredOnceThenTheConnectionCloses(String message, CheckedConnection bystander,
            CheckedConnection violator) {
        violator.sendRaw(Json.text(message) + "\0");

        assertProtocolViolation(violator.readError());
        violator.assertClosedByServer();
        bystander.assertServes();
        daemon.connect().assertServes();
    }

    @Test
    void invalidUtf8IsAViolation(CheckedConnection violator) {
        violator.sendRaw(concat(raw("{\"method\": \"org.varlink.service.GetInfo"),
                new byte[] {(byte) 0xc3, (byte) 0x28, '"', '}', 0}));

        assertProtocolViolation(violator.readError());
        violator.assertClosedByServer();
    }

    /** Calls before the violation are answered; a call after it, sent in the same write, never runs. */
    @Test
    void violationEndsTheConnectionAfterTheCallsBeforeIt(CheckedConnection bystander,
            CheckedConnection violator) {
        long mapId = bystander.call(createMap("guarded")).at("/parameters/object/id").asLong();

        violator.sendRaw(concat(
                framed(GET_INFO_CALL),
                raw("{]\0"),
                framed("{'method': 'io.bpfkeeper.MapUpdate', 'parameters': {'id': " + mapId
                        + ", 'key': '00000000', 'value': '01000000'}}")));

        assertThat(violator.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
        assertProtocolViolation(violator.readError());
        violator.assertClosedByServer();
        assertThat(bystander.call("{'method': 'io.bpfkeeper.MapLookup', 'parameters': {'id': " + mapId
                + ", 'key': '00000000'}}")).isEqualTo(Json.object("{'parameters': {'value': '00000000'}}"));
    }

    /** A violation that arrives while a worker runs an earlier call waits for that call's reply. */
    @Test
    void violationWaitsForTheWorkerCallBeforeIt(CheckedConnection violator) {
        violator.sendRaw(concat(framed(createMap("before")), raw("not json\0")));

        assertThat(violator.readReplyTo(BpfkeeperInterface.CREATE_MAP).at("/parameters/object/name").asText())
                .isEqualTo("before");
        assertProtocolViolation(violator.readError());
        violator.assertClosedByServer();
    }

    private static void assertProtocolViolation(JsonNode reply) {
        assertThat(reply.path("error").asText()).isEqualTo(BpfkeeperInterface.PROTOCOL_VIOLATION);
        assertThat(reply.get("parameters").fieldNames()).toIterable().containsExactly("message");
        assertThat(reply.at("/parameters/message").asText()).endsWith("; the connection is closed");
    }
}
