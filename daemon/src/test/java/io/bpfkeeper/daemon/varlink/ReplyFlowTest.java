package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.GET_INFO_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.createMap;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static io.bpfkeeper.daemon.varlink.Messages.getMap;
import static io.bpfkeeper.daemon.varlink.Messages.noSuchMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How replies follow calls on one connection: streams with "continues", no reply to oneway calls,
 * and replies in call order however the calls arrive.
 */
@KernelTest
class ReplyFlowTest {

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    @Test
    void streamContinuesOnEveryReplyButTheLast(CheckedConnection connection) {
        List<Long> created = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            created.add(connection.call(createMap(name)).at("/parameters/object/id").asLong());
        }

        connection.send("{'method': 'io.bpfkeeper.List', 'parameters': {'kind': 'map'}, 'more': true}");
        List<JsonNode> replies = List.of(connection.readReplyTo(BpfkeeperInterface.LIST),
                connection.readReplyTo(BpfkeeperInterface.LIST), connection.readReplyTo(BpfkeeperInterface.LIST));

        assertThat(replies).map(reply -> reply.path("continues").asBoolean(false)).containsExactly(true, true, false);
        assertThat(replies).map(reply -> reply.at("/parameters/object/id").asLong())
                .containsExactlyInAnyOrderElementsOf(created);
        connection.assertServes();
    }

    @Test
    void emptyStreamIsOneFinalReplyWithoutAnObject(CheckedConnection connection) {
        connection.send("{'method': 'io.bpfkeeper.List', 'more': true}");

        assertThat(connection.readReplyTo(BpfkeeperInterface.LIST)).isEqualTo(Json.object("{'parameters': {}}"));
        connection.assertServes();
    }

    @Test
    void moreOnAMethodThatDoesNotStreamGetsOneFinalReply(CheckedConnection connection) {
        connection.send("{'method': 'org.varlink.service.GetInfo', 'more': true}");

        assertThat(connection.readReplyTo(VarlinkService.GET_INFO).has("continues")).isFalse();
        connection.assertServes();
    }

    @Test
    void onewayCallsGetNoReplyNotEvenAnError(CheckedConnection connection) {
        connection.send("{'method': 'io.bpfkeeper.Get', 'parameters': {'kind': 'map', 'id': 7}, 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.Frobnicate', 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'oneway', 'type': 'array',"
                + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}, 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.List', 'more': true}");

        // The first reply is the List's, and it sees the map of the oneway call before it.
        assertThat(connection.readReplyTo(BpfkeeperInterface.LIST).at("/parameters/object/name").asText())
                .isEqualTo("oneway");
    }

    @Test
    void hundredPipelinedCallsInOneWriteGetTheirRepliesInOrder(CheckedConnection connection) {
        // Odd calls ask for GetInfo, even ones for a map whose id is the call's number.
        String[] calls = IntStream.rangeClosed(1, 100)
                .mapToObj(call -> call % 2 == 0 ? getMap(call) : GET_INFO_CALL)
                .toArray(String[]::new);

        connection.sendRaw(framed(calls));

        for (int call = 1; call <= 100; call++) {
            if (call % 2 == 0) {
                assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(call));
            } else {
                assertThat(connection.readReplyTo(VarlinkService.GET_INFO).at("/parameters/product").asText())
                        .isEqualTo("bpfkeeperd");
            }
        }
    }

    @Test
    void callsWrittenOneByteAtATimeAreDecoded(CheckedConnection connection) {
        for (byte each : framed(getMap(7), GET_INFO_CALL)) {
            connection.sendRaw(new byte[] {each});
        }

        assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(7));
        assertThat(connection.readReplyTo(VarlinkService.GET_INFO).at("/parameters/product").asText())
                .isEqualTo("bpfkeeperd");
    }

    /** Calls on worker threads and on the event loop answer in call order, never in finishing order. */
    @Test
    void workerAndEventLoopCallsAnswerInCallOrder(CheckedConnection connection) {
        connection.sendRaw(framed(
                createMap("first"),
                getMap(999_999),
                "{'method': 'io.bpfkeeper.List', 'more': true}",
                GET_INFO_CALL,
                "{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'second', 'type': 'no_such_type',"
                        + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}",
                getMap(999_998)));

        assertThat(connection.readReplyTo(BpfkeeperInterface.CREATE_MAP).at("/parameters/object/name").asText())
                .isEqualTo("first");
        assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(999_999));
        assertThat(connection.readReplyTo(BpfkeeperInterface.LIST).at("/parameters/object/name").asText())
                .isEqualTo("first");
        assertThat(connection.readReplyTo(VarlinkService.GET_INFO).at("/parameters/product").asText())
                .isEqualTo("bpfkeeperd");
        assertThat(connection.readReplyTo(BpfkeeperInterface.CREATE_MAP).at("/parameters/parameter").asText())
                .isEqualTo("type");
        assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(999_998));
    }
}
