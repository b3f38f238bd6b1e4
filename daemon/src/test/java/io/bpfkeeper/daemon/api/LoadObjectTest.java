package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonOnPrivateBpffs;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.ProgramOptions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ELF objects compiled by clang load through libbpf, run, share maps, and go away as a group. */
@KernelTest
class LoadObjectTest extends DaemonOnPrivateBpffs {

    /** An Ethernet frame's worth of zeros: XDP test runs need at least a header. */
    private static final String PACKET = "00".repeat(64);
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;

    private LoadedObject load(LoadObjectRequest request) {
        return client.loadObject(request);
    }

    private static BpfObject named(LoadedObject loaded, String name) {
        return loaded.objects().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    private static long counterValue(BpfkeeperClient client, long mapId) {
        String hex = client.mapLookup(mapId, "00000000").orElseThrow().value();
        return Long.reverseBytes(Long.parseUnsignedLong(hex, 16));
    }

    @Test
    void testRunsOfTheCounterProgramShowInTheMapThroughTheDaemonAndBpftool() {
        LoadedObject loaded = load(LoadObjectRequest.of("count", BpfTestObjects.bytes("xdp_count")));
        BpfObject program = named(loaded, "xdp_count");
        BpfObject counter = named(loaded, "counter");
        assertThat(program.type()).isEqualTo("xdp");
        assertThat(program.program().mapIds()).contains(counter.id());

        var result = client.testRun(program.id(), PACKET, 7L);

        assertThat(result.retval()).isEqualTo(XDP_PASS);
        assertThat(counterValue(client, counter.id())).isEqualTo(7);
        assertThat(Bpftool.mapLookup((int) counter.id(), new byte[4]))
                .isEqualTo(HexFormat.of().parseHex("0700000000000000"));
        assertThat(Bpftool.progShow((int) program.id()).get("name").asText()).isEqualTo("xdp_count");
    }

    @Test
    void globalsSetAtLoadChangeWhatTheProgramDoes() {
        LoadedObject defaults = load(LoadObjectRequest.of("defaults", BpfTestObjects.bytes("globals")));
        assertThat(client.testRun(named(defaults, "xdp_verdict").id(), PACKET, null).retval()).isEqualTo(XDP_PASS);

        LoadedObject dropping = load(LoadObjectRequest.of("dropping", BpfTestObjects.bytes("globals"))
                .withGlobal("verdict", "01000000")
                .withGlobal("step", "0500000000000000"));
        BpfObject program = named(dropping, "xdp_verdict");
        assertThat(client.testRun(program.id(), PACKET, 3L).retval()).isEqualTo(XDP_DROP);

        BpfObject bss = dropping.objects().stream().filter(o -> o.name().endsWith(".bss")).findFirst().orElseThrow();
        assertThat(counterValue(client, bss.id())).as("total = 3 runs x step 5").isEqualTo(15);
    }

    @Test
    void twoObjectsShareOneMapThroughReuse() {
        LoadedObject first = load(LoadObjectRequest.of("first", BpfTestObjects.bytes("xdp_count")));
        BpfObject counter = named(first, "counter");
        LoadedObject second = load(LoadObjectRequest.of("second", BpfTestObjects.bytes("xdp_count"))
                .withReusedMap("counter", counter.id()));

        assertThat(second.objects()).extracting(BpfObject::kind).containsOnly(Kind.PROGRAM);
        BpfObject secondProgram = named(second, "xdp_count");
        assertThat(secondProgram.program().mapIds()).containsExactly(counter.id());

        client.testRun(named(first, "xdp_count").id(), PACKET, 2L);
        client.testRun(secondProgram.id(), PACKET, 3L);
        assertThat(counterValue(client, counter.id())).isEqualTo(5);
    }

    @Test
    void coreProgramLoadsAgainstThisKernel() {
        LoadedObject loaded = load(LoadObjectRequest.of("core", BpfTestObjects.bytes("core_read")));
        BpfObject program = named(loaded, "core_getpid");
        assertThat(program.type()).isEqualTo("tracepoint");
        assertThat(KernelIds.exists(ObjectKind.PROGRAM, (int) program.id())).isTrue();
    }

    @Test
    void rejectedProgramComesBackWithItsNameAndTheVerifierLog() {
        var failure = expectError(BpfkeeperInterface.PROGRAM_REJECTED,
                () -> load(LoadObjectRequest.of("rejected", BpfTestObjects.bytes("rejected"))));
        assertThat(failure.parameters().get("program").asText()).isEqualTo("unchecked_lookup");
        assertThat(failure.parameters().get("log").asText()).contains("invalid mem access 'map_value_or_null'");
        assertThat(client.list(null, null)).isEmpty();
    }

    /** libbpf has one print callback for the process; each load must still get only its own messages. */
    @Test
    void concurrentLoadsGetOnlyTheirOwnLibbpfMessages() throws Exception {
        int loads = 6;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(loads);
        try {
            List<java.util.concurrent.Future<String>> logs = new java.util.ArrayList<>();
            for (int i = 0; i < loads; i++) {
                String name = "object" + i;
                logs.add(clients.submit(() -> {
                    try (BpfkeeperClient own = daemon.client()) {
                        return expectError(BpfkeeperInterface.PROGRAM_REJECTED, () -> own.loadObject(
                                LoadObjectRequest.of(name, BpfTestObjects.bytes("rejected"))))
                                .parameters().get("libbpfLog").asText();
                    }
                }));
            }
            for (int i = 0; i < loads; i++) {
                String log = logs.get(i).get();
                assertThat(log).contains("'object" + i + "'");
                for (int other = 0; other < loads; other++) {
                    if (other != i) {
                        assertThat(log).doesNotContain("'object" + other + "'");
                    }
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void releasingTheGroupFreesEveryObjectInTheKernel() {
        LoadedObject loaded = load(LoadObjectRequest.of("grouped", BpfTestObjects.bytes("globals")));
        assertThat(loaded.objects()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(loaded.objects()).allSatisfy(o -> assertThat(o.labels()).containsEntry("bpfkeeper.io/group",
                loaded.group()));

        client.releaseGroup(loaded.group());

        assertThat(client.list(null, null)).isEmpty();
        for (BpfObject object : loaded.objects()) {
            ObjectKind kind = object.kind() == Kind.MAP ? ObjectKind.MAP : ObjectKind.PROGRAM;
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(kind, (int) object.id()),
                    object.kind().wireName() + " " + object.id() + " freed after its group was released");
        }
    }

    @Test
    void programsAndMapsArePinnedWhereAsked() {
        LoadedObject loaded = load(LoadObjectRequest.of("pinned", BpfTestObjects.bytes("xdp_count"))
                .withPin("xdp_count", "obj/prog")
                .withPin("counter", "obj/counter"));
        assertThat(Bpftool.json("prog", "show", "pinned", bpffs.path().resolve("obj/prog").toString())
                .get("id").asLong()).isEqualTo(named(loaded, "xdp_count").id());
        assertThat(Bpftool.json("map", "show", "pinned", bpffs.path().resolve("obj/counter").toString())
                .get("id").asLong()).isEqualTo(named(loaded, "counter").id());
    }

    @Test
    void unknownSectionNeedsAProgramTypeAndLoadsWithOne() {
        var failure = expectError(BpfkeeperInterface.INVALID_OBJECT,
                () -> load(LoadObjectRequest.of("tcx", BpfTestObjects.bytes("unknown_section"))));
        assertThat(failure.parameters().get("option").asText()).isEqualTo("programs.tcx_pass");

        LoadedObject loaded = load(LoadObjectRequest.of("tcx", BpfTestObjects.bytes("unknown_section"))
                .withProgram("tcx_pass", new ProgramOptions("sched_cls", "tcx_ingress")));
        assertThat(named(loaded, "tcx_pass").type()).isEqualTo("sched_cls");
    }

    @Test
    void badObjectsAndOptionsGetTheirOwnErrorsAndLeakNothing() throws Exception {
        BpfObject ownedCounter = named(load(LoadObjectRequest.of("owner", BpfTestObjects.bytes("xdp_count"))),
                "counter");
        long otherMap = client.createMap(io.bpfkeeper.protocol.client.CreateMapRequest.of("other", "hash", 4, 8, 1))
                .id();
        byte[] elf = BpfTestObjects.bytes("xdp_count");
        int fdsBefore = openFds();
        int ownedBefore = client.list(null, null).size();

        expectOption(null, LoadObjectRequest.of("junk", "not an elf object".getBytes()));
        expectOption(null, LoadObjectRequest.of("cut", java.util.Arrays.copyOf(elf, elf.length / 3)));
        expectOption(null, LoadObjectRequest.of("empty", BpfTestObjects.bytes("maps_only")));
        expectOption("globals.nope", LoadObjectRequest.of("g", BpfTestObjects.bytes("globals"))
                .withGlobal("nope", "00"));
        expectOption("globals.verdict", LoadObjectRequest.of("g", BpfTestObjects.bytes("globals"))
                .withGlobal("verdict", "0100"));
        expectOption("reuseMaps.counter", LoadObjectRequest.of("r", elf).withReusedMap("counter", otherMap));
        expectOption("reuseMaps.nothere", LoadObjectRequest.of("r", elf)
                .withReusedMap("nothere", ownedCounter.id()));
        expectOption("programs.nothere", LoadObjectRequest.of("p", elf)
                .withProgram("nothere", new ProgramOptions("xdp", null)));
        expectError(BpfkeeperInterface.NO_SUCH_OBJECT,
                () -> load(LoadObjectRequest.of("r", elf).withReusedMap("counter", 2_000_000_000L)));
        expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                () -> load(LoadObjectRequest.of("p", elf).withPin("nothere", "x")));

        assertThat(client.list(null, null)).hasSize(ownedBefore);
        // Fewer is fine: an earlier test's daemon may still be closing what it held when we counted.
        Eventually.until(Duration.ofSeconds(10), () -> openFds() <= fdsBefore,
                "the test process holds no more than the " + fdsBefore
                        + " BPF object fds it held before the bad loads");
    }

    @Test
    void aHundredMegabyteRequestIsRefusedAndTheDaemonServesOn() {
        byte[] huge = new byte[100 * 1024 * 1024];
        huge[0] = 0x7f;
        try (BpfkeeperClient other = daemon.client()) {
            var failure = expectError(BpfkeeperInterface.MESSAGE_TOO_LARGE,
                    () -> other.loadObject(LoadObjectRequest.of("huge", huge)));
            assertThat(failure.getMessage()).contains("limit of 16777216 bytes");
        }
        assertThat(client.list(null, null)).isEmpty();
    }

    private void expectOption(String option, LoadObjectRequest request) {
        var failure = expectError(BpfkeeperInterface.INVALID_OBJECT, () -> load(request));
        assertThat(failure.parameters().get("message").asText()).isNotBlank();
        if (option == null) {
            assertThat(failure.parameters().has("option")).isFalse();
        } else {
            assertThat(failure.parameters().get("option").asText()).isEqualTo(option);
        }
    }

    /**
     * Counts the fds that hold kernel BPF objects: maps, programs, links and BTF. A failed load that leaks
     * leaks one of these; the rest of /proc/self/fd moves with whatever else the test JVM is doing.
     */
    private static int openFds() {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return (int) fds.filter(LoadObjectTest::holdsBpfObject).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean holdsBpfObject(java.nio.file.Path fd) {
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd).toString();
            return target.startsWith("anon_inode:bpf") || target.startsWith("anon_inode:btf");
        } catch (java.io.IOException e) {
            return false; // closed between listing and reading: it holds nothing now
        }
    }
}
