package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.Insns;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.Entry;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client names in instructions and map values reaches only objects it may use, never the
 * daemon's fd table. The attacker is a real user admitted to the socket's group; root's objects are
 * judged by bpftool.
 */
@KernelTest
class ObjectReferencesTest extends DaemonWithAttacker {

    private static final byte[] KEY_ZERO = new byte[4];
    private static final String ROOTS_VALUE = "8877665544332211";
    private static final int ATTACK_VALUE = 0x66;
    private static final String PACKET = "00".repeat(64);
    private static final int R0 = 0;
    private static final int R1 = 1;

    private int rootsMap;

    @BeforeEach
    void rootOwnsAMap() {
        rootsMap = (int) root.createMap(CreateMapRequest.of("roots", "array", 4, 8, 1)).id();
        root.mapUpdate(rootsMap, "00000000", ROOTS_VALUE, null);
    }

    @Test
    void scanningTheDaemonsFdNumbersReachesNothing() {
        List<String> outcomes = new ArrayList<>();
        for (int fd = 3; fd <= 400; fd++) {
            attack(new Insns().loadMapByFd(R1, fd).storeAtKeyZero(ATTACK_VALUE).mov(R0, 0).exit(), outcomes);
            attack(new Insns().loadMapValueByFd(R1, fd, 0).store64(R1, ATTACK_VALUE).mov(R0, 0).exit(), outcomes);
        }

        assertThat(rootsValue()).as("root's map, read by bpftool").isEqualTo(ROOTS_VALUE);
        assertThat(outcomes).as("every load is refused before the kernel sees it")
                .containsOnly(BpfkeeperInterface.INVALID_ARGUMENT);
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void aRefusalNamesTheInstructionAndWhatToUseInstead() {
        String code = new Insns().mov(R0, 0).loadMapByFd(R1, 60).mov(R0, 0).exit().hex();
        VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                () -> client.loadProgram(LoadProgramRequest.of("scan", "socket_filter", code, "GPL")));
        assertThat(refused.parameters().get("parameter").asText()).isEqualTo("instructions");
        assertThat(refused.parameters().get("message").asText())
                .contains("instruction 1:", "BPF_PSEUDO_MAP_FD", "BPF_PSEUDO_MAP_IDX (5)", "maps");
    }

    @Test
    void otherFdNamingInstructionsAndMalformedOnesAreRefused() {
        List<Insns> refused = List.of(
                new Insns().loadImm64(R1, 3, 1, 60).mov(R0, 0).exit(),
                new Insns().raw(0x85, 0, 2, 1, 1234).mov(R0, 0).exit(),
                new Insns().mov(R0, 0).exit().raw(0x18, R1, 0, 0, 0),
                new Insns().loadMapByIndex(R1, 0).mov(R0, 0).exit(),
                new Insns().loadMapValueByIndex(R1, -1, 0).mov(R0, 0).exit());
        for (Insns code : refused) {
            expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.loadProgram(
                    LoadProgramRequest.of("bad", "socket_filter", code.hex(), "GPL")));
        }
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.loadProgram(
                LoadProgramRequest.of("bad", "socket_filter", "b700000000000000950000000000", "GPL")));
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void aProgramReachesTheCallersOwnMapsByIndex() throws Exception {
        int first = (int) client.createMap(CreateMapRequest.of("first", "array", 4, 8, 1)).id();
        int second = (int) client.createMap(CreateMapRequest.of("second", "array", 4, 8, 1)).id();
        String code = new Insns().loadMapByIndex(R1, 0).storeAtKeyZero(0x11)
                .loadMapValueByIndex(R1, 1, 0).store64(R1, 0x22).mov(R0, 0).exit().hex();

        long program = client.loadProgram(LoadProgramRequest.of("both", "socket_filter", code, "GPL")
                .withMaps(List.of((long) first, (long) second))).object().id();
        client.testRun(program, PACKET, null);

        assertThat(value(first)).isEqualTo("1100000000000000");
        assertThat(value(second)).isEqualTo("2200000000000000");
        assertThat(Bpftool.progShow((int) program).get("map_ids")).hasSize(2);
    }

    @Test
    void anIndexBeyondTheMapsIsRefusedBeforeTheKernel() {
        int own = (int) client.createMap(CreateMapRequest.of("own", "array", 4, 8, 1)).id();
        String code = new Insns().loadMapValueByIndex(R1, 1, 0).store64(R1, ATTACK_VALUE).mov(R0, 0).exit().hex();
        VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                () -> client.loadProgram(LoadProgramRequest.of("beyond", "socket_filter", code, "GPL")
                        .withMaps(List.of((long) own))));
        assertThat(refused.parameters().get("message").asText()).contains("map index 1", "only 1 map was given");
    }

    @Test
    void mapsOfAnotherUserAreRefused() {
        String code = new Insns().loadMapValueByIndex(R1, 0, 0).store64(R1, ATTACK_VALUE).mov(R0, 0).exit().hex();
        VarlinkCallException denied = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.loadProgram(LoadProgramRequest.of("steal", "socket_filter", code, "GPL")
                        .withMaps(List.of((long) rootsMap))));
        assertThat(denied.parameters().get("id").asInt()).isEqualTo(rootsMap);
        assertThat(rootsValue()).isEqualTo(ROOTS_VALUE);
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void rootMayUseAnyOwnedMap() {
        int own = (int) client.createMap(CreateMapRequest.of("own", "array", 4, 8, 1)).id();
        String code = new Insns().loadMapValueByIndex(R1, 0, 0).store64(R1, 0x33).mov(R0, 0).exit().hex();
        long program = root.loadProgram(LoadProgramRequest.of("roots", "socket_filter", code, "GPL")
                .withMaps(List.of((long) own))).object().id();
        root.testRun(program, PACKET, null);
        assertThat(value(own)).isEqualTo("3300000000000000");
    }

    @Test
    void aProgArrayTakesProgramIdsOfTheCallerOnly() {
        String code = new Insns().mov(R0, 0).exit().hex();
        long roots = root.loadProgram(LoadProgramRequest.of("roots", "socket_filter", code, "GPL")).object().id();
        long own = client.loadProgram(LoadProgramRequest.of("own", "socket_filter", code, "GPL"))
                .object().id();
        int jumps = (int) client.createMap(CreateMapRequest.of("jumps", "prog_array", 4, 4, 4)).id();

        expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.mapUpdate(jumps, "00000000", idHex(roots), null));
        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.mapUpdateBatch(jumps,
                List.of(new Entry("01000000", idHex(own)), new Entry("02000000", idHex(roots))), null));
        expectError(BpfkeeperInterface.NO_SUCH_OBJECT,
                () -> client.mapUpdate(jumps, "00000000", idHex(own + 1000), null));
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(jumps))).isEmpty();

        client.mapUpdate(jumps, "00000000", idHex(own), null);
        client.mapUpdateBatch(jumps, List.of(new Entry("01000000", idHex(own))), null);

        assertThat(Bpftool.mapLookup(jumps, KEY_ZERO)).isEqualTo(HexFormat.of().parseHex(idHex(own)));
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(jumps))).hasSize(2);
        assertThat(client.mapLookup(jumps, "00000000").orElseThrow().value())
                .as("lookups return program ids too").isEqualTo(idHex(own));
    }

    @Test
    void aMapOfMapsTakesMapIdsOfTheCallerOnly() {
        int inner = (int) client.createMap(CreateMapRequest.of("inner", "array", 4, 8, 1)).id();
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.createMap(
                CreateMapRequest.of("outer", "array_of_maps", 4, 4, 2)));
        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.createMap(
                CreateMapRequest.of("outer", "array_of_maps", 4, 4, 2).withInnerMap(rootsMap)));
        int outer = (int) client.createMap(
                CreateMapRequest.of("outer", "array_of_maps", 4, 4, 2).withInnerMap(inner)).id();

        expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.mapUpdate(outer, "00000000", idHex(rootsMap), null));
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(outer))).isEmpty();

        client.mapUpdate(outer, "00000000", idHex(inner), null);
        assertThat(Bpftool.mapLookup(outer, KEY_ZERO)).isEqualTo(HexFormat.of().parseHex(idHex(inner)));
        assertThat(client.mapLookup(outer, "00000000").orElseThrow().value()).isEqualTo(idHex(inner));
    }

    @Test
    void aDevmapTakesTheProgramItRunsByIdOfTheCallerOnly() {
        String pass = new Insns().mov(R0, 2).exit().hex();
        LoadProgramRequest devmapProgram = LoadProgramRequest.of("redirected", "xdp", pass, "GPL")
                .withExpectedAttachType("xdp_devmap");
        long roots = root.loadProgram(devmapProgram).object().id();
        long own = client.loadProgram(devmapProgram).object().id();
        int devices = (int) client.createMap(CreateMapRequest.of("devices", "devmap", 4, 8, 1)).id();
        String loopback = "01000000";

        expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.mapUpdate(devices, "00000000", loopback + idHex(roots), null));
        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(devices)).get(0).get("value").has("error"))
                .as("bpftool finds no entry at key 0").isTrue();

        client.mapUpdate(devices, "00000000", loopback + idHex(own), null);
        assertThat(Bpftool.mapLookup(devices, KEY_ZERO)).isEqualTo(HexFormat.of().parseHex(loopback + idHex(own)));
        client.mapUpdate(devices, "00000000", loopback + "00000000", null);
        assertThat(Bpftool.mapLookup(devices, KEY_ZERO)).as("0: the device without a program")
                .isEqualTo(HexFormat.of().parseHex(loopback + "00000000"));
    }

    @Test
    void socketMapsAreRefused() {
        for (String type : List.of("sockmap", "sockhash")) {
            // Root too: the daemon itself makes none, whatever the policy grants.
            VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                    () -> root.createMap(CreateMapRequest.of("socks", type, 4, 4, 4)));
            assertThat(refused.parameters().get("parameter").asText()).isEqualTo("type");
            expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> client.createMap(CreateMapRequest.of("socks", type, 4, 4, 4)));
        }
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void mapFlagsThatNameFdsAreRefused() {
        for (long flag : new long[] {0x8000, 0x10000}) {
            VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client
                    .createMap(CreateMapRequest.of("flagged", "array", 4, 8, 1).withFlags(flag)));
            assertThat(refused.parameters().get("parameter").asText()).isEqualTo("flags");
        }
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void perfEventArraysAreNotWrittenForClients() {
        int events = (int) client.createMap(CreateMapRequest.of("events", "perf_event_array", 4, 4, 1))
                .id();
        expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                () -> client.mapUpdate(events, "00000000", "03000000", null));
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.mapUpdateBatch(events,
                List.of(new Entry("00000000", "03000000")), null));
        var lookup = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.mapLookup(events, "00000000"));
        assertThat(lookup.parameters().get("errnoName").asText()).as("the kernel has no id to show").isEqualTo("ENOTSUPP");
    }

    @Test
    void anElfObjectMayNotReuseAnotherUsersMap() {
        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.loadObject(
                LoadObjectRequest.of("steal", BpfTestObjects.bytes("xdp_count")).withReusedMap("counter", rootsMap)));
        assertThat(rootsValue()).isEqualTo(ROOTS_VALUE);
        assertThat(root.list(null, null)).hasSize(1);
    }

    @Test
    void anElfObjectCannotNameTheDaemonsFdsEither() {
        byte[] elf = BpfTestObjects.bytes("fd_scan");
        int load = BpfTestObjects.offsetOf(elf, "1801000078563412");
        List<String> outcomes = new ArrayList<>();
        for (int fd = 3; fd <= 400; fd++) {
            // r1 = map at fd N: src_reg BPF_PSEUDO_MAP_FD, and no relocation for libbpf to rewrite.
            elf[load + 1] = 0x11;
            elf[load + 4] = (byte) fd;
            elf[load + 5] = (byte) (fd >> 8);
            elf[load + 6] = 0;
            elf[load + 7] = 0;
            try {
                long program = client.loadObject(LoadObjectRequest.of("scan", elf)).objects().get(0).id();
                outcomes.add("loaded program " + program);
                client.testRun(program, PACKET, null);
            } catch (VarlinkCallException e) {
                outcomes.add(e.error());
            }
        }

        assertThat(rootsValue()).as("root's map, read by bpftool").isEqualTo(ROOTS_VALUE);
        assertThat(outcomes).containsOnly(BpfkeeperInterface.INVALID_OBJECT);
        assertThat(root.list(null, null)).hasSize(1);
    }

    /** Loads the attack as the attacker and, should it load, runs it; records how each load ended. */
    private void attack(Insns code, List<String> outcomes) {
        try {
            long program = client.loadProgram(LoadProgramRequest.of("scan", "socket_filter", code.hex(),
                    "GPL")).object().id();
            outcomes.add("loaded program " + program);
            client.testRun(program, PACKET, null);
        } catch (VarlinkCallException e) {
            outcomes.add(e.error());
        }
    }

    private String rootsValue() {
        return value(rootsMap);
    }

    private static String value(int mapId) {
        return HexFormat.of().formatHex(Bpftool.mapLookup(mapId, KEY_ZERO));
    }

    /** A kernel id as a map value: 4 bytes, little-endian. */
    private static String idHex(long id) {
        return String.format("%02x%02x%02x%02x", id & 0xff, id >> 8 & 0xff, id >> 16 & 0xff, id >> 24 & 0xff);
    }
}
