package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs loaded from raw instructions through {@link BpfProgram}, checked with bpftool. */
@KernelTest
class BpfProgramTest {

    private static final Duration FREE_TIMEOUT = Duration.ofSeconds(10);
    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2 = 2;
    /** BPF_STATS_RUN_TIME of enum bpf_stats_type. */
    private static final int BPF_STATS_RUN_TIME = 0;
    /** Socket filters run on an skb, which needs at least an Ethernet header (14 bytes). */
    private static final byte[] PACKET = new byte[64];

    @Test
    void loadedProgramIsWhatBpftoolShows() {
        BpfProgram.Loaded loaded = BpfProgram.load(socketFilter("returns_zero", new Insns().mov(R0, 0).exit(), 0));
        try (BpfProgram program = loaded.program()) {
            JsonNode shown = Bpftool.progShow(program.id());

            assertThat(shown.get("type").asText()).isEqualTo("socket_filter");
            assertThat(shown.get("name").asText()).isEqualTo("returns_zero");
            assertThat(shown.get("tag").asText()).isEqualTo(program.info().tag());
            assertThat(shown.get("bytes_xlated").asInt()).isEqualTo(2 * ProgramSpec.INSTRUCTION_SIZE);
            assertThat(program.info().type()).isEqualTo(ProgramType.SOCKET_FILTER);
            assertThat(program.info().mapIds()).isEmpty();
            assertThat(ObjectIdentity.of(program.fd()))
                    .isEqualTo(new ObjectIdentity(ObjectKind.PROGRAM, program.id()));
            assertThat(loaded.log()).isNull();
        }
    }

    @Test
    void refusalBeforeTheVerifierRunsIsAPlainFailureThatNamesTheSuspects() {
        BpfException failure = catchThrowableOfType(BpfException.class,
                () -> BpfProgram.load(socketFilter("bad-name", new Insns().mov(R0, 0).exit(), 0)).program().close());

        assertThat(failure).isNotInstanceOf(VerifierException.class);
        assertThat(failure.errnoName()).isEqualTo("EINVAL");
        assertThat(failure).hasMessage("load program bad-name: BPF_PROG_LOAD: EINVAL: malformed program: check its"
                + " name (letters, digits, '_' and '.'), program type, expected attach type, instructions and"
                + " license, or see the verifier log");
    }

    @Test
    void verifierRejectionCarriesTheLogThatNamesTheInstruction() {
        // Exits at instruction 2 without ever writing r0, the return value.
        Insns code = new Insns().mov(R1, 1).mov(R2, 2).exit();

        VerifierException failure = catchThrowableOfType(VerifierException.class,
                () -> BpfProgram.load(socketFilter("no_r0", code, 0)).program().close());

        assertThat(failure.program()).isEqualTo("no_r0");
        assertThat(failure.errnoName()).isEqualTo("EACCES");
        assertThat(failure).hasMessage(
                "load program no_r0: BPF_PROG_LOAD: EACCES: the verifier rejected the program; see its log");
        assertThat(failure.log()).contains("2: (95) exit", "R0 !read_ok");
    }

    @Test
    void logLevelTwoReturnsTheVerifierLogOfASuccessfulLoad() {
        BpfProgram.Loaded loaded = BpfProgram.load(socketFilter("logged", new Insns().mov(R0, 0).exit(), 2));
        try (BpfProgram program = loaded.program()) {
            assertThat(loaded.log()).contains("0: (b7) r0 = 0", "1: (95) exit", "processed 2 insns");
        }
    }

    @Test
    void testRunRunsTheProgramRepeatTimes(@TempDir Path directory) throws IOException {
        int repeat = 50;
        Path packetFile = Files.write(directory.resolve("packet"), PACKET);
        try (BpfProgram program = BpfProgram.load(socketFilter("answers_42", new Insns().mov(R0, 42).exit(), 0))
                .program(); Fd statistics = enableRunStatistics()) {

            BpfProgram.TestRunResult result = program.testRun(PACKET, repeat, 128);

            assertThat(result.retval()).isEqualTo(42);
            assertThat(result.dataOut()).containsExactly(PACKET);
            assertThat(program.freshInfo().runCount()).isEqualTo(repeat);
            assertThat(Bpftool.progShow(program.id()).get("run_cnt").asInt()).isEqualTo(repeat);
            JsonNode bpftoolRun = Bpftool.json("prog", "run", "id", Integer.toString(program.id()),
                    "data_in", packetFile.toString(), "repeat", Integer.toString(repeat));
            assertThat(bpftoolRun.get("retval").asInt()).isEqualTo(42);
            assertThat(bpftoolRun.get("duration").isIntegralNumber()).isTrue();
        }
    }

    @Test
    void programHoldsTheMapItUsesUntilItIsFreed() {
        BpfMap map = TestMaps.oneEntryArray("used");
        int mapId = map.id();
        BpfProgram program;
        try (map) {
            Insns code = new Insns().loadMap(R1, map.fd()).mov(R0, 0).exit();
            program = BpfProgram.load(socketFilter("uses_map", code, 0)).program();
        }
        int programId = program.id();
        try (program) {
            assertThat(program.info().mapIds()).containsExactly(mapId);
            assertThat(Bpftool.progShow(programId).get("map_ids").get(0).asInt()).isEqualTo(mapId);
            assertThat(Bpftool.mapShow(mapId).get("name").asText()).isEqualTo("used");
        }

        Eventually.until(FREE_TIMEOUT, () -> !KernelIds.exists(ObjectKind.PROGRAM, programId),
                "program " + programId + " is freed once its only fd is closed");
        Eventually.until(FREE_TIMEOUT, () -> !KernelIds.exists(ObjectKind.MAP, mapId),
                "map " + mapId + " is freed with the program, its last holder");
    }

    private static ProgramSpec socketFilter(String name, Insns code, int logLevel) {
        return new ProgramSpec(name, ProgramType.SOCKET_FILTER, code.bytes(), "GPL", null, logLevel);
    }

    /** Counts runs of every program while the returned fd is open (BPF_ENABLE_STATS). */
    private static Fd enableRunStatistics() {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.EnableStats.TYPE.put(attr, BPF_STATS_RUN_TIME);
        return Bpf.callForFd(BpfCommand.ENABLE_STATS, attr);
    }
}
