package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.BpfkeeperInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** map create, lookup, update, delete, dump and update-batch. */
class MapCommandTest extends CliTest {
    @Test
    void createSendsEveryOptionAndPrintsTheMap() throws Exception {
        daemon.answer(BpfkeeperInterface.CREATE_MAP, "{\"object\":" + MAP_OBJECT + "}");

        Result result = bpfkeeper("map", "create", "counters", "--type", "hash", "--key-size", "4",
                "--value-size", "8", "--max-entries", "0x400", "--flags", "0x1", "--lifetime", "session",
                "--pin", "demo/counters", "--label", "app=demo", "--label", "tier=web");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("kind:         map\nid:           42\n");
        assertThat(daemon.nextCall(BpfkeeperInterface.CREATE_MAP).toString()).isEqualTo(
                "{\"name\":\"counters\",\"type\":\"hash\",\"keySize\":4,\"valueSize\":8,\"maxEntries\":1024,"
                + "\"flags\":1,\"lifetime\":\"session\",\"pin\":\"demo/counters\","
                + "\"labels\":{\"app\":\"demo\",\"tier\":\"web\"}}");
    }

    @Test
    void createSendsTheInnerMapOfAMapOfMaps() throws Exception {
        daemon.answer(BpfkeeperInterface.CREATE_MAP, "{\"object\":" + MAP_OBJECT + "}");

        bpfkeeper("map", "create", "outer", "--type", "array_of_maps", "--key-size", "4", "--value-size", "4",
                "--max-entries", "8", "--inner-map", "7");

        assertThat(daemon.nextCall(BpfkeeperInterface.CREATE_MAP).get("innerMap").asLong()).isEqualTo(7);
    }

    @Test
    void createLeavesOutWhatWasNotGiven() throws Exception {
        daemon.answer(BpfkeeperInterface.CREATE_MAP, "{\"object\":" + MAP_OBJECT + "}");

        bpfkeeper("map", "create", "counters", "--type", "hash", "--key-size", "4", "--value-size", "8",
                "--max-entries", "1024");

        assertThat(daemon.nextCall(BpfkeeperInterface.CREATE_MAP).fieldNames()).toIterable()
                .containsExactly("name", "type", "keySize", "valueSize", "maxEntries");
    }

    @Test
    void createNeedsTheSizes() {
        Result result = bpfkeeper("map", "create", "counters", "--type", "hash");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bpfkeeper: Missing required options: '--key-size=BYTES'");
    }

    @Test
    void lookupSendsTheKeyAsContiguousLowercaseHexAndPrintsTheValue() throws Exception {
        daemon.answer(BpfkeeperInterface.MAP_LOOKUP, "{\"value\":\"0a00000000000000\"}");

        Result result = bpfkeeper("map", "lookup", "42", "0A 00 00 00");

        assertThat(daemon.nextCall(BpfkeeperInterface.MAP_LOOKUP).toString())
                .isEqualTo("{\"id\":42,\"key\":\"0a000000\"}");
        assertThat(result).isEqualTo(new Result(0, "0a00000000000000\n", ""));
    }

    @Test
    void lookupPrintsEachCpusValueOfAPerCpuMap() {
        daemon.answer(BpfkeeperInterface.MAP_LOOKUP,
                "{\"value\":\"01000000000000000200000000000000\",\"perCpu\":[\"01000000\",\"02000000\"]}");

        assertThat(bpfkeeper("map", "lookup", "42", "00000000").out()).isEqualTo("""
                CPU  VALUE
                0    01000000
                1    02000000
                """);
    }

    @Test
    void lookupOfAMissingKeyExitsWithOne() {
        daemon.answer(BpfkeeperInterface.MAP_LOOKUP, "{}");

        assertThat(bpfkeeper("map", "lookup", "42", "0x01000000"))
                .isEqualTo(new Result(ExitCodes.FAILED, "", "bpfkeeper: key 01000000 is not in map 42\n"));
        assertThat(bpfkeeper("map", "lookup", "42", "0x01000000", "--json"))
                .isEqualTo(new Result(ExitCodes.FAILED, "{}\n", ""));
    }

    @Test
    void lookupRefusesMalformedHexAsAUsageError() {
        Result result = bpfkeeper("map", "lookup", "42", "0x1");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith(
                "bpfkeeper: Invalid value for positional parameter at index 1 (KEY): odd number of hex digits");
    }

    @Test
    void updateSendsKeyValueAndMode() throws Exception {
        daemon.answer(BpfkeeperInterface.MAP_UPDATE, "{}");

        Result result = bpfkeeper("map", "update", "42", "01000000", "0x0a00000000000000", "--mode", "noexist");

        assertThat(result).isEqualTo(new Result(0, "", ""));
        assertThat(daemon.nextCall(BpfkeeperInterface.MAP_UPDATE).toString()).isEqualTo(
                "{\"id\":42,\"key\":\"01000000\",\"value\":\"0a00000000000000\",\"mode\":\"noexist\"}");
    }

    @Test
    void deleteOfAMissingKeyReportsTheDaemonsError() throws Exception {
        daemon.fail(BpfkeeperInterface.MAP_DELETE, BpfkeeperInterface.NO_SUCH_KEY,
                "{\"id\":42,\"key\":\"01000000\",\"message\":\"key 01000000 is not in map 42\"}");

        Result result = bpfkeeper("map", "delete", "42", "01000000");

        assertThat(daemon.nextCall(BpfkeeperInterface.MAP_DELETE).toString())
                .isEqualTo("{\"id\":42,\"key\":\"01000000\"}");
        assertThat(result).isEqualTo(new Result(ExitCodes.FAILED, "", "bpfkeeper: key 01000000 is not in map 42\n"));
    }

    @Test
    void dumpPrintsEveryEntry() {
        daemon.answer(BpfkeeperInterface.MAP_ENTRIES, "{\"key\":\"01000000\",\"value\":\"0a00000000000000\"}",
                "{\"key\":\"02000000\",\"value\":\"0b00000000000000\"}");

        assertThat(bpfkeeper("map", "dump", "42").out()).isEqualTo("""
                KEY       VALUE
                01000000  0a00000000000000
                02000000  0b00000000000000
                """);
        assertThat(bpfkeeper("map", "dump", "42", "--json").out()).isEqualTo("""
                {"key":"01000000","value":"0a00000000000000"}
                {"key":"02000000","value":"0b00000000000000"}
                """);
    }

    @Test
    void dumpOfAnEmptyMapSaysSo() {
        daemon.answer(BpfkeeperInterface.MAP_ENTRIES, "{}");

        assertThat(bpfkeeper("map", "dump", "42")).isEqualTo(new Result(0, "", "map 42 is empty\n"));
    }

    @Test
    void updateBatchSendsTheEntriesOfAFile() throws Exception {
        Path file = Files.writeString(directory.resolve("entries"),
                "01000000 0a00000000000000\n0x02000000 0b00000000000000\n");
        daemon.answer(BpfkeeperInterface.MAP_UPDATE_BATCH, "{\"count\":2}");

        Result result = bpfkeeper("map", "update-batch", "42", "--file", file.toString(), "--mode", "any");

        assertThat(result).isEqualTo(new Result(0, "wrote 2 entries\n", ""));
        assertThat(daemon.nextCall(BpfkeeperInterface.MAP_UPDATE_BATCH).toString()).isEqualTo(
                "{\"id\":42,\"entries\":[{\"key\":\"01000000\",\"value\":\"0a00000000000000\"},"
                + "{\"key\":\"02000000\",\"value\":\"0b00000000000000\"}],\"mode\":\"any\"}");
    }

    @Test
    void updateBatchCountsOneEntryAsOne() throws Exception {
        Path file = Files.writeString(directory.resolve("entries"), "01000000 0a00000000000000\n");
        daemon.answer(BpfkeeperInterface.MAP_UPDATE_BATCH, "{\"count\":1}");

        assertThat(bpfkeeper("map", "update-batch", "42", "--file", file.toString()).out())
                .isEqualTo("wrote 1 entry\n");
    }

    @Test
    void updateBatchReportsMalformedInputWithoutCallingTheDaemon() throws Exception {
        Path file = Files.writeString(directory.resolve("entries"), "01000000 0a00000000000000\n01000000\n");

        Result result = bpfkeeper("map", "update-batch", "42", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bpfkeeper: " + file + ": line 2: expected KEYHEX VALUEHEX");
        assertThat(daemon.receivedNoCall()).isTrue();
    }

    @Test
    void updateBatchReportsAMissingFileWithoutCallingTheDaemon() {
        Result result = bpfkeeper("map", "update-batch", "42", "--file", directory.resolve("missing").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bpfkeeper: no such file: " + directory.resolve("missing") + "\n");
        assertThat(daemon.receivedNoCall()).isTrue();
    }
}
