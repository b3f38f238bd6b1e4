package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How replies follow calls on one connection: streams with "continues", no reply to oneway calls,
 * and replies in call order however the calls arrive.
 */
@KernelTest
class ReplyFlowTest {

    private static final String GET_INFO = "org.varlink.service.GetInfo";
    private static final String GET = "io.bpfkeeper.Get";
    private static final String LIST = "io.bpfkeeper.List";
    private static final String CREATE_MAP = "io.bpfkeeper.CreateMap";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    private CheckedConnection connection;

    @BeforeEach
    void startDaemon() {
        daemon = TestDaemon.start(bpffs.path());
        connection = new CheckedConnection(daemon);
    }

    @AfterEach
    void stopDaemon() {
        connection.close();
        daemon.close();
    }

    @Test
    void streamContinuesOnEveryReplyButTheLast() {
        List<Long> created = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            created.add(connection.call(createMap(name)).at("/parameters/object/id").asLong());
        }

        connection.send("{'method': 'io.bpfkeeper.List', 'parameters': {'kind': 'map'}, 'more': true}");
        List<JsonNode> replies = List.of(connection.readReplyTo(LIST), connection.readReplyTo(LIST),
                connection.readReplyTo(LIST));

        assertThat(replies).map(reply -> reply.path("continues").asBoolean(false)).containsExactly(true, true, false);
        assertThat(replies).map(reply -> reply.at("/parameters/object/id").asLong())
                .containsExactlyInAnyOrderElementsOf(created);
        assertConnectionStillServes();
    }

    @Test
    void emptyStreamIsOneFinalReplyWithoutAnObject() {
        connection.send("{'method': 'io.bpfkeeper.List', 'more': true}");

        assertThat(connection.readReplyTo(LIST)).isEqualTo(Json.object("{'parameters': {}}"));
        assertConnectionStillServes();
    }

    @Test
    void moreOnAMethodThatDoesNotStreamGetsOneFinalReply() {
        connection.send("{'method': 'org.varlink.service.GetInfo', 'more': true}");

        assertThat(connection.readReplyTo(GET_INFO).has("continues")).isFalse();
        assertConnectionStillServes();
    }

    @Test
    void onewayCallsGetNoReplyNotEvenAnError() {
        connection.send("{'method': 'io.bpfkeeper.Get', 'parameters': {'kind': 'map', 'id': 7}, 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.Frobnicate', 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'oneway', 'type': 'array',"
                + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}, 'oneway': true}");
        connection.send("{'method': 'io.bpfkeeper.List', 'more': true}");

        // The first reply is the List's, and it sees the map of the oneway call before it.
        assertThat(connection.readReplyTo(LIST).at("/parameters/object/name").asText()).isEqualTo("oneway");
    }

    @Test
    void hundredPipelinedCallsInOneWriteGetTheirRepliesInOrder() {
        ByteArrayOutputStream calls = new ByteArrayOutputStream();
        List<String> methods = new ArrayList<>();
        for (int call = 1; call <= 100; call++) {
            String message = call % 2 == 0 ? getMap(call) : "{'method': 'org.varlink.service.GetInfo'}";
            calls.writeBytes(framed(message));
            methods.add(Json.object(message).get("method").asText());
        }

        connection.sendRaw(calls.toByteArray());

        for (int call = 1; call <= 100; call++) {
            JsonNode reply = connection.readReplyTo(methods.get(call - 1));
            if (call % 2 == 0) {
                assertThat(reply).isEqualTo(noSuchMap(call));
            } else {
                assertThat(reply.at("/parameters/interfaces").size()).isEqualTo(2);
            }
        }
    }

    @Test
    void callsWrittenOneByteAtATimeAreDecoded() {
        byte[] calls = concat(framed(getMap(7)), framed("{'method': 'org.varlink.service.GetInfo'}"));

        for (byte each : calls) {
            connection.sendRaw(new byte[] {each});
        }

        assertThat(connection.readReplyTo(GET)).isEqualTo(noSuchMap(7));
        assertThat(connection.readReplyTo(GET_INFO).at("/parameters/product").asText()).isEqualTo("bpfkeeperd");
    }

    /** Calls on worker threads and on the event loop answer in call order, never in finishing order. */
    @Test
    void workerAndEventLoopCallsAnswerInCallOrder() {
        connection.sendRaw(concat(
                framed(createMap("first")),
                framed(getMap(999_999)),
                framed("{'method': 'io.bpfkeeper.List', 'more': true}"),
                framed("{'method': 'org.varlink.service.GetInfo'}"),
                framed("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'second', 'type': 'no_such_type',"
                        + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}"),
                framed(getMap(999_998))));

        assertThat(connection.readReplyTo(CREATE_MAP).at("/parameters/object/name").asText()).isEqualTo("first");
        assertThat(connection.readReplyTo(GET)).isEqualTo(noSuchMap(999_999));
        assertThat(connection.readReplyTo(LIST).at("/parameters/object/name").asText()).isEqualTo("first");
        assertThat(connection.readReplyTo(GET_INFO).at("/parameters/product").asText()).isEqualTo("bpfkeeperd");
        assertThat(connection.readReplyTo(CREATE_MAP).at("/parameters/parameter").asText()).isEqualTo("type");
        assertThat(connection.readReplyTo(GET)).isEqualTo(noSuchMap(999_998));
    }

    private void assertConnectionStillServes() {
        assertThat(connection.call("{'method': 'org.varlink.service.GetInfo'}").has("error")).isFalse();
    }

    private static String createMap(String name) {
        return "{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': '" + name + "', 'type': 'array',"
                + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}";
    }

    static String getMap(int id) {
        return "{'method': 'io.bpfkeeper.Get', 'parameters': {'kind': 'map', 'id': " + id + "}}";
    }

    static JsonNode noSuchMap(int id) {
        return Json.object("{'error': 'io.bpfkeeper.NoSuchObject', 'parameters': {'kind': 'map', 'id': " + id
                + ", 'message': 'bpfkeeper owns no map " + id + "'}}");
    }

    /** One message as it travels: compact JSON and the NUL that ends it. */
    static byte[] framed(String singleQuotedCall) {
        return (Json.object(singleQuotedCall).toString() + "\0").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            all.writeBytes(message);
        }
        return all.toByteArray();
    }
}
