package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.PossibleCpus;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonOnPrivateBpffs;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.MapValue;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Map data through the daemon agrees with what bpftool reads and writes in the kernel. */
@KernelTest
class MapDataTest extends DaemonOnPrivateBpffs {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private int hashMap(int maxEntries) {
        return (int) client.createMap(CreateMapRequest.of("data", "hash", 4, 8, maxEntries)).id();
    }

    @Test
    void valueWrittenThroughTheDaemonIsWhatBpftoolReads() {
        int id = hashMap(16);
        client.mapUpdate(id, "2a000000", "0102030405060708", null);

        assertThat(Bpftool.mapLookup(id, HEX.parseHex("2a000000"))).isEqualTo(HEX.parseHex("0102030405060708"));
    }

    @Test
    void valueWrittenByBpftoolIsWhatTheDaemonReads() {
        int id = hashMap(16);
        List<String> command = new ArrayList<>(List.of("map", "update", "id", Integer.toString(id), "key", "hex"));
        command.addAll(Bpftool.hexBytes(HEX.parseHex("07000000")));
        command.add("value");
        command.add("hex");
        command.addAll(Bpftool.hexBytes(HEX.parseHex("ffeeddccbbaa9988")));
        Bpftool.json(command.toArray(String[]::new));

        assertThat(client.mapLookup(id, "07000000")).map(MapValue::value).contains("ffeeddccbbaa9988");
        assertThat(client.mapLookup(id, "08000000")).isEmpty();
    }

    @Test
    void updateModesAndDeleteFollowTheKernelsRules() {
        int id = hashMap(16);
        client.mapUpdate(id, "01000000", "0100000000000000", UpdateMode.NOEXIST);
        expectError(BpfkeeperInterface.KERNEL_ERROR,
                () -> client.mapUpdate(id, "01000000", "0200000000000000", UpdateMode.NOEXIST));
        expectError(BpfkeeperInterface.KERNEL_ERROR,
                () -> client.mapUpdate(id, "02000000", "0200000000000000", UpdateMode.EXIST));
        client.mapUpdate(id, "01000000", "0300000000000000", UpdateMode.EXIST);
        assertThat(Bpftool.mapLookup(id, HEX.parseHex("01000000"))).isEqualTo(HEX.parseHex("0300000000000000"));

        client.mapDelete(id, "01000000");
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).isEmpty();
        expectError(BpfkeeperInterface.NO_SUCH_KEY, () -> client.mapDelete(id, "01000000"));
    }

    @Test
    void entriesStreamEveryEntryAndAnEmptyMapGivesNone() {
        int id = hashMap(2048);
        assertThat(client.mapEntries(id)).isEmpty();

        List<Entry> written = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            written.add(new Entry(String.format("%08x", Integer.reverseBytes(i)), String.format("%016x", (long) i)));
        }
        assertThat(client.mapUpdateBatch(id, written, null)).isEqualTo(1000);

        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).hasSize(1000);
        assertThat(client.mapEntries(id)).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void perCpuValuesTravelOnePerCpu() {
        int id = (int) client.createMap(CreateMapRequest.of("percpu", "percpu_array", 4, 4, 2)).id();
        client.mapUpdate(id, "00000000", "2a000000", null);

        MapValue value = client.mapLookup(id, "00000000").orElseThrow();
        assertThat(value.perCpu()).hasSize(PossibleCpus.count()).containsOnly("2a000000");
        assertThat(value.value()).isEqualTo("2a00000000000000".repeat(PossibleCpus.count()));
        assertThat(Bpftool.json("map", "lookup", "id", Integer.toString(id), "key", "0", "0", "0", "0")
                .get("values")).hasSize(PossibleCpus.count());
    }

    /** A batch gives a per-CPU map one value for every CPU, or every CPU's own; and its mode counts. */
    @Test
    void perCpuBatchValuesAreOneForAllOrOneForEachAndTheModeCounts() {
        int id = (int) client.createMap(CreateMapRequest.of("percpu", "percpu_hash", 4, 4, 4)).id();
        List<String> eachCpusOwn = IntStream.range(0, PossibleCpus.count())
                .mapToObj(cpu -> String.format("%02x000000", cpu)).toList();
        String paddedToEight = eachCpusOwn.stream().map(value -> value + "00000000").collect(Collectors.joining());
        List<Entry> entries = List.of(new Entry("01000000", "2a000000"), new Entry("02000000", paddedToEight));

        assertThat(client.mapUpdateBatch(id, entries, UpdateMode.NOEXIST)).isEqualTo(2);
        assertThat(client.mapLookup(id, "01000000").orElseThrow().perCpu())
                .hasSize(PossibleCpus.count()).containsOnly("2a000000");
        assertThat(client.mapLookup(id, "02000000").orElseThrow().perCpu()).isEqualTo(eachCpusOwn);
        expectError(BpfkeeperInterface.BATCH_INCOMPLETE, () -> client.mapUpdateBatch(id, entries, UpdateMode.NOEXIST));
    }

    @Test
    void keysAndValuesOfTheWrongSizeAreRefusedWithTheSizeTheMapNeeds() {
        int id = hashMap(16);
        var failure = expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.mapLookup(id, "0100"));
        assertThat(failure.getMessage()).contains("4-byte keys, got 2 bytes");
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.mapUpdate(id, "01000000", "01", null));
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.mapUpdate(id, "0100000g", "01", null));
        var batchFailure = expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.mapUpdateBatch(id,
                List.of(new Entry("01000000", "0000000000000000"), new Entry("02000000", "00")), null));
        assertThat(batchFailure.parameters().get("parameter").asText()).isEqualTo("entries[1].value");
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).isEmpty();
    }

    @Test
    void aFailingBatchEntryStopsTheBatchAndSaysHowManyWereWritten() {
        int id = (int) client.createMap(CreateMapRequest.of("small", "array", 4, 8, 4)).id();
        List<Entry> entries = List.of(
                new Entry("00000000", "0100000000000000"),
                new Entry("01000000", "0100000000000000"),
                new Entry("09000000", "0100000000000000"));
        var failure = expectError(BpfkeeperInterface.BATCH_INCOMPLETE, () -> client.mapUpdateBatch(id, entries, null));

        long written = failure.parameters().get("written").asLong();
        assertThat(written).isEqualTo(2);
        assertThat(Bpftool.mapLookup(id, HEX.parseHex("01000000"))).isEqualTo(HEX.parseHex("0100000000000000"));
    }

    /**
     * MapUpdateBatch reads its parameters from the message when "method" comes first and from their
     * tree otherwise: both orders write the same entries.
     */
    @Test
    void batchParametersWorkBeforeAndAfterTheMethod() {
        int id = hashMap(16);
        ObjectNode methodFirst = JSON.createObjectNode().put("method", BpfkeeperInterface.MAP_UPDATE_BATCH);
        methodFirst.putObject("parameters").put("id", id).putArray("entries")
                .addObject().put("key", "01000000").put("value", "0100000000000000");
        ObjectNode parametersFirst = JSON.createObjectNode();
        parametersFirst.putObject("parameters").put("id", id).putArray("entries")
                .addObject().put("key", "02000000").put("value", "0200000000000000");
        parametersFirst.put("method", BpfkeeperInterface.MAP_UPDATE_BATCH);
        try (VarlinkClient raw = daemon.rawClient()) {
            raw.sendRaw(concat(methodFirst, parametersFirst));

            ObjectNode oneWritten = JSON.createObjectNode().set("parameters", JSON.createObjectNode().put("count", 1));
            assertThat(raw.readMessage()).isEqualTo(oneWritten);
            assertThat(raw.readMessage()).isEqualTo(oneWritten);
        }
        assertThat(Bpftool.mapLookup(id, HEX.parseHex("01000000"))).isEqualTo(HEX.parseHex("0100000000000000"));
        assertThat(Bpftool.mapLookup(id, HEX.parseHex("02000000"))).isEqualTo(HEX.parseHex("0200000000000000"));
    }

    /** Parameters the batch's reader refuses are that call's error, answered in turn. */
    @Test
    void refusedBatchParametersAreThatCallsErrorInTurn() {
        int id = hashMap(16);
        try (VarlinkClient raw = daemon.rawClient()) {
            ObjectNode badBatch = JSON.createObjectNode().put("method", BpfkeeperInterface.MAP_UPDATE_BATCH);
            ArrayNode entries = badBatch.putObject("parameters").put("id", id).putArray("entries");
            entries.addObject().put("key", "01000000").put("value", "0100000000000000");
            entries.addObject().put("key", 2).put("value", "0200000000000000");
            ObjectNode lookup = JSON.createObjectNode().put("method", BpfkeeperInterface.MAP_LOOKUP);
            lookup.putObject("parameters").put("id", id).put("key", "01000000");
            raw.sendRaw(concat(badBatch, lookup));

            assertThat(raw.readMessage()).isEqualTo(JSON.createObjectNode()
                    .put("error", VarlinkService.INVALID_PARAMETER)
                    .set("parameters", JSON.createObjectNode().put("parameter", "entries[1].key")));
            assertThat(raw.readMessage()).isEqualTo(JSON.createObjectNode().set("parameters", JSON.createObjectNode()));
        }
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).isEmpty();
    }

    /** The calls as they travel, for one write. */
    private static byte[] concat(ObjectNode... calls) {
        StringBuilder stream = new StringBuilder();
        for (ObjectNode call : calls) {
            stream.append(call).append('\0');
        }
        return stream.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lookupOfAMissingKeyHasNoValue() {
        int id = hashMap(4);
        Optional<MapValue> missing = client.mapLookup(id, "05000000");
        assertThat(missing).isEmpty();
    }
}
