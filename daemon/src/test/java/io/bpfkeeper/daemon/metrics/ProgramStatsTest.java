package io.bpfkeeper.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With program statistics on, the kernel counts every run of an owned program, and the scrape
 * shows it. The Varlink TestRun method comes with ELF loading (another issue), so the runs are
 * made with the kernel layer's BPF_PROG_TEST_RUN on the fd the daemon holds.
 */
@KernelTest
class ProgramStatsTest {

    /** {@code r0 = XDP_PASS; exit}. */
    static final String XDP_PASS = "b700000002000000" + "9500000000000000";
    private static final int REPEAT = 7;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void testRunWithRepeatNRaisesTheRunCountByN() {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), true);
                BpfkeeperClient client = daemon.client()) {
            BpfObject loaded = client.loadProgram(LoadProgramRequest.of("counted", "xdp", XDP_PASS, "GPL")
                    .withLabels(Map.of("group", "edge"))).object();
            int id = (int) loaded.id();
            BpfProgram program = daemon.daemon().registry().get(Kind.PROGRAM, id).orElseThrow().fdHeld().kernelObject();
            double before = runs(daemon.scrape(), id);

            program.testRun(new byte[64], REPEAT, 64);

            assertThat(runs(daemon.scrape(), id)).isEqualTo(before + REPEAT);
            assertThat(Bpftool.progShow(id).get("run_cnt").asLong()).isEqualTo((long) before + REPEAT);
        }
    }

    @Test
    void withoutProgramStatsThereAreNoPerProgramSeries() {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), false);
                BpfkeeperClient client = daemon.client()) {
            client.loadProgram(LoadProgramRequest.of("uncounted", "xdp", XDP_PASS, "GPL"));

            assertThat(daemon.scrape()).doesNotContain("bpfkeeper_program_runs");
        }
    }

    private static double runs(String scrape, int id) {
        Matcher match = Pattern.compile("^bpfkeeper_program_runs_total\\{group=\"edge\",id=\"" + id
                + "\",name=\"counted\",type=\"xdp\"} (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(match.find()).as("the run count of program " + id + " in:\n" + scrape).isTrue();
        return Double.parseDouble(match.group(1));
    }
}
