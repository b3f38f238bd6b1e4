package io.bpfkeeper.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.CallErrors;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a Prometheus scrape shows after known calls, checked against the kernel and promtool. */
@KernelTest
class MetricsScrapeTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void scrapeCountsEachCallByMethodAndOutcome() {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), false);
                BpfkeeperClient client = daemon.client()) {
            BpfObject first = client.createMap(CreateMapRequest.of("first", "hash", 4, 8, 16));
            client.createMap(CreateMapRequest.of("second", "array", 4, 8, 4).withLifetime(Lifetime.SESSION));
            CallErrors.expectError(BpfkeeperInterface.NO_SUCH_OBJECT, () -> client.get(Kind.MAP, Integer.MAX_VALUE));
            CallErrors.expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.loadProgram(
                    LoadProgramRequest.of("bad", "xdp", "00", "GPL")));
            client.release(Kind.MAP, first.id());

            String scrape = daemon.scrape();

            assertThat(scrape.lines()).contains(
                    "bpfkeeper_requests_total{method=\"io.bpfkeeper.CreateMap\",outcome=\"ok\"} 2.0",
                    "bpfkeeper_requests_total{method=\"io.bpfkeeper.Get\",outcome=\"io.bpfkeeper.NoSuchObject\"} 1.0",
                    "bpfkeeper_requests_total{method=\"io.bpfkeeper.LoadProgram\","
                            + "outcome=\"io.bpfkeeper.InvalidArgument\"} 1.0",
                    "bpfkeeper_requests_total{method=\"io.bpfkeeper.Release\",outcome=\"ok\"} 1.0",
                    "bpfkeeper_request_duration_seconds_count{method=\"io.bpfkeeper.CreateMap\"} 2",
                    "bpfkeeper_load_failures_total{reason=\"io.bpfkeeper.InvalidArgument\"} 1.0",
                    "bpfkeeper_owned_objects{kind=\"map\",lifetime=\"daemon\"} 0.0",
                    "bpfkeeper_owned_objects{kind=\"map\",lifetime=\"session\"} 1.0",
                    "bpfkeeper_connections_open 1.0");
        }
    }

    /**
     * Each durable journal write counts once, a call that changes nothing recorded writes nothing, and
     * the fd store's series are there at 0 without systemd (FakeSystemd's tests count its operations).
     */
    @Test
    void scrapeCountsTheJournalsReadsAndWrites() {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), false);
                BpfkeeperClient client = daemon.client()) {
            BpfObject recorded = client.createMap(CreateMapRequest.of("recorded", "hash", 4, 8, 16));
            client.createMap(CreateMapRequest.of("session", "array", 4, 8, 4).withLifetime(Lifetime.SESSION));
            client.mapUpdate(recorded.id(), "00000000", "0100000000000000", null);
            client.release(Kind.MAP, recorded.id());

            // The snapshot after recovery, then one append for the daemon-lifetime map's creation and one
            // for its release.
            assertThat(daemon.scrape().lines()).contains(
                    "bpfkeeper_journal_operations_total{operation=\"read\",outcome=\"ok\"} 1.0",
                    "bpfkeeper_journal_operations_total{operation=\"snapshot\",outcome=\"ok\"} 1.0",
                    "bpfkeeper_journal_operations_total{operation=\"append\",outcome=\"ok\"} 2.0",
                    "bpfkeeper_journal_operations_total{operation=\"append\",outcome=\"error\"} 0.0",
                    "bpfkeeper_fdstore_operations_total{operation=\"store\",outcome=\"ok\"} 0.0",
                    "bpfkeeper_fdstore_operations_total{operation=\"remove\",outcome=\"ok\"} 0.0");
        }
    }

    @Test
    void lockedMemoryIsWhatTheKernelChargesPerOwnerUid() {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), false);
                BpfkeeperClient client = daemon.client()) {
            BpfObject small = client.createMap(CreateMapRequest.of("small", "array", 4, 8, 16));
            BpfObject large = client.createMap(CreateMapRequest.of("large", "hash", 8, 64, 4096));
            long charged = Bpftool.mapShow((int) small.id()).get("bytes_memlock").asLong()
                    + Bpftool.mapShow((int) large.id()).get("bytes_memlock").asLong();

            assertThat(charged).isPositive();
            assertThat(daemon.scrape().lines())
                    .contains("bpfkeeper_owned_locked_memory_bytes{uid=\"0\"} " + (double) charged)
                    .contains("bpfkeeper_uid_owned_objects{uid=\"0\"} 2.0");

            client.release(Kind.MAP, large.id());
            assertThat(daemon.scrape().lines()).contains("bpfkeeper_owned_locked_memory_bytes{uid=\"0\"} "
                    + (double) Bpftool.mapShow((int) small.id()).get("bytes_memlock").asLong())
                    .contains("bpfkeeper_uid_owned_objects{uid=\"0\"} 1.0");
        }
    }

    @Test
    void promtoolFindsNothingToCriticize(@TempDir Path scratch) throws IOException {
        try (TestDaemon daemon = TestDaemon.startWithMetrics(bpffs.path(), true);
                BpfkeeperClient client = daemon.client()) {
            client.createMap(CreateMapRequest.of("linted", "hash", 4, 8, 16));
            client.loadProgram(LoadProgramRequest.of("linted", "xdp", ProgramStatsTest.XDP_PASS, "GPL")
                    .withLabels(java.util.Map.of("group", "lint")));
            CallErrors.expectError(BpfkeeperInterface.NO_SUCH_OBJECT, () -> client.get(Kind.MAP, Integer.MAX_VALUE));
            Path scrape = Files.writeString(scratch.resolve("scrape"), daemon.scrape());

            Processes.Result lint = Processes.run(Duration.ofSeconds(30),
                    List.of("sh", "-c", "promtool check metrics < " + scrape));

            assertThat(lint.stdout() + lint.stderr()).isEmpty();
            assertThat(lint.exitCode()).isZero();
        }
    }
}
