package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.GET_INFO_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static io.bpfkeeper.daemon.varlink.Messages.getMap;
import static io.bpfkeeper.daemon.varlink.Messages.noSuchMap;
import static io.bpfkeeper.daemon.varlink.Messages.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages long enough to be parsed while they arrive, sent in pieces: each is answered in its turn
 * among the calls around it, as a short one is.
 */
@KernelTest
class LongMessageTest {

    /** Well past the length from which the daemon parses a message as it arrives. */
    private static final int LONG = 1024 * 1024;

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    /** A GetInfo made long by a top-level field that the protocol reserves, and the daemon ignores. */
    private static byte[] longGetInfo() {
        return raw(Json.text("{'method': 'org.varlink.service.GetInfo', 'future': '" + "x".repeat(LONG) + "'}\0"));
    }

    @Test
    void longCallArrivingInPiecesIsAnsweredInItsTurn(CheckedConnection connection) {
        byte[] call = longGetInfo();
        connection.sendRaw(framed(GET_INFO_CALL));
        for (byte[] piece : halves(call)) {
            connection.sendRaw(piece);
        }
        connection.sendRaw(framed(getMap(1)));

        assertThat(connection.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
        assertThat(connection.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
        assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(1));
    }

    /** More long messages at once than there are threads to parse them as they arrive. */
    @Test
    void longCallsOfManyConnectionsAtOnceAreAllAnswered() {
        List<CheckedConnection> connections = new ArrayList<>();
        List<byte[][]> calls = new ArrayList<>();
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors() + 1; i++) {
            connections.add(daemon.connect());
            calls.add(halves(longGetInfo()));
        }
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).sendRaw(calls.get(i)[0]);
        }
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).sendRaw(calls.get(i)[1]);
        }

        for (CheckedConnection connection : connections) {
            assertThat(connection.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
        }
    }

    /** A malformed long message is answered once it has all arrived, after the calls before it. */
    @Test
    void longMalformedMessageIsAViolationInItsTurn(CheckedConnection violator, CheckedConnection bystander) {
        violator.sendRaw(framed(GET_INFO_CALL));
        violator.sendRaw(raw("[" + "[".repeat(LONG)));
        violator.sendRaw(raw("]".repeat(LONG) + "]\0"));

        assertThat(violator.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
        assertThat(violator.readError().path("error").asText()).isEqualTo(BpfkeeperInterface.PROTOCOL_VIOLATION);
        violator.assertClosedByServer();
        bystander.assertServes();
    }

    /** A long MapUpdateBatch is read by its parameter reader while it arrives, in either order of fields. */
    @Test
    void longBatchIsWrittenWhicheverFieldComesFirst(CheckedConnection connection) {
        int id = connection.call("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'long', 'type': 'hash',"
                + " 'keySize': 4, 'valueSize': 8, 'maxEntries': 40000}}").at("/parameters/object/id").asInt();
        ObjectNode methodFirst = Json.object("{'method': 'io.bpfkeeper.MapUpdateBatch'}");
        methodFirst.set("parameters", batch(id, 0));
        ObjectNode parametersFirst = Json.object("{}");
        parametersFirst.set("parameters", batch(id, 1));
        parametersFirst.put("method", BpfkeeperInterface.MAP_UPDATE_BATCH);

        for (ObjectNode call : List.of(methodFirst, parametersFirst)) {
            for (byte[] piece : halves(raw(call + "\0"))) {
                connection.sendRaw(piece);
            }
            assertThat(connection.readReplyTo(BpfkeeperInterface.MAP_UPDATE_BATCH))
                    .isEqualTo(Json.object("{'parameters': {'count': 20000}}"));
        }
        JsonNode last = connection.call("{'method': 'io.bpfkeeper.MapLookup', 'parameters': {'id': " + id
                + ", 'key': '" + key(39999) + "'}}");
        assertThat(last.at("/parameters/value").asText()).isEqualTo("0100000000000000");
    }

    /** 20,000 entries, about 900 KB: the keys from {@code half} × 20,000 on, each value 1. */
    private static ObjectNode batch(int id, int half) {
        ObjectNode parameters = Json.object("{'id': " + id + "}");
        ArrayNode entries = parameters.putArray("entries");
        for (int i = half * 20000; i < (half + 1) * 20000; i++) {
            entries.addObject().put("key", key(i)).put("value", "0100000000000000");
        }
        return parameters;
    }

    /** The key of entry {@code i}: its number in the host's (little-endian) byte order. */
    private static String key(int i) {
        return String.format("%08x", Integer.reverseBytes(i));
    }

    private static byte[][] halves(byte[] message) {
        int half = message.length / 2;
        return new byte[][] {Arrays.copyOfRange(message, 0, half), Arrays.copyOfRange(message, half, message.length)};
    }
}
