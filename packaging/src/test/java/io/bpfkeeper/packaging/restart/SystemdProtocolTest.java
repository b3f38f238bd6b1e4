package io.bpfkeeper.packaging.restart;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.packaging.support.Directories;
import io.bpfkeeper.packaging.support.FakeSystemd;
import io.bpfkeeper.packaging.support.Repository;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daemon process speaks systemd's protocols: socket activation, READY, STATUS, STOPPING,
 * WATCHDOG, and tells Explain what the fd store keeps.
 */
@KernelTest
class SystemdProtocolTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void servesThePassedSocketAndBindsNoneOfItsOwn() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.list(null, null)).isEmpty();
            }
            assertThat(systemd.ownSocket()).doesNotExist();
            assertThat(systemd.log()).contains("serving Varlink on the socket systemd passed (fd 3)");
        }
    }

    @Test
    void readyComesOnlyAfterRecoveryAndStatusSaysWhatTheDaemonHolds() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            try (BpfkeeperClient client = systemd.client()) {
                client.createMap(CreateMapRequest.of("unpinned", "array", 4, 8, 1));
                client.createMap(CreateMapRequest.of("pinned", "array", 4, 8, 1).withPin("pinned"));
                client.createMap(CreateMapRequest.of("session", "array", 4, 8, 1).withLifetime(Lifetime.SESSION));
                assertThat(systemd.lastStatus()).isEqualTo("holding 3 objects: 2 daemon-lifetime (1 unpinned,"
                        + " 1 pinned), 1 session-lifetime");
            }

            systemd.restart();

            // READY=1 carries the status of that moment: both recovered objects are held already.
            String ready = systemd.awaitNotification(message -> message.contains("READY=1"), Duration.ZERO, "READY=1");
            assertThat(ready).isEqualTo("READY=1\nSTATUS=holding 2 objects: 2 daemon-lifetime (1 unpinned, 1 pinned),"
                    + " 0 session-lifetime");
        }
    }

    @Test
    void sigtermSaysStoppingWritesTheJournalAndLogsTheFateOfEachLifetimeClass() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            long unpinned;
            long pinned;
            long session;
            try (BpfkeeperClient client = systemd.client()) {
                unpinned = client.createMap(CreateMapRequest.of("unpinned", "array", 4, 8, 1)).id();
                pinned = client.createMap(CreateMapRequest.of("pinned", "array", 4, 8, 1).withPin("pinned")).id();
                session = client.createMap(CreateMapRequest.of("session", "array", 4, 8, 1)
                        .withLifetime(Lifetime.SESSION)).id();

                systemd.stop();
            }

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, (int) session),
                    "the session map " + session + " freed by the stop");
            assertThat(KernelIds.exists(ObjectKind.MAP, (int) unpinned)).as("held by the fd store").isTrue();
            assertThat(KernelIds.exists(ObjectKind.MAP, (int) pinned)).as("held by its pin").isTrue();

            assertThat(systemd.notificationsOfThisRun()).anyMatch(message -> message.startsWith("STOPPING=1\n"));
            assertThat(systemd.log())
                    .contains("released 1 session-lifetime objects")
                    .contains("1 unpinned daemon-lifetime objects stay in systemd's fd store: a restart hands them"
                            + " back; a stop empties the store")
                    .contains("1 pinned daemon-lifetime objects stay alive in bpffs; the next start re-adopts them");
            String journal = Files.readString(systemd.stateDirectory().resolve("journal.json"));
            assertThat(journal).contains("\"id\" : " + unpinned).contains("\"id\" : " + pinned)
                    .doesNotContain("\"session\"");
        }
    }

    /**
     * Every entry sent to the fd store counts, by operation and outcome: a map goes in at its creation,
     * leaves once a pin holds it, goes back in when the pin goes, and leaves at its release.
     */
    @Test
    void metricsCountTheFdStoresOperationsAndTheJournalsWrites() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            try (BpfkeeperClient client = systemd.client()) {
                long id = client.createMap(CreateMapRequest.of("counted", "array", 4, 8, 1)).id();
                client.pin(Kind.MAP, id, "counted");
                client.unpin(Kind.MAP, id, "counted");
                client.release(Kind.MAP, id);
            }

            assertThat(systemd.scrapeMetrics().lines()).contains(
                    "bpfkeeper_fdstore_operations_total{operation=\"store\",outcome=\"ok\"} 2.0",
                    "bpfkeeper_fdstore_operations_total{operation=\"remove\",outcome=\"ok\"} 2.0",
                    "bpfkeeper_fdstore_operations_total{operation=\"store\",outcome=\"error\"} 0.0",
                    "bpfkeeper_journal_operations_total{operation=\"read\",outcome=\"ok\"} 1.0",
                    // A snapshot after recovery, and an append after each of the four calls.
                    "bpfkeeper_journal_operations_total{operation=\"snapshot\",outcome=\"ok\"} 1.0",
                    "bpfkeeper_journal_operations_total{operation=\"append\",outcome=\"ok\"} 4.0");
            assertThat(systemd.fdStoreNames()).isEmpty();
        }
    }

    /** Explain learns from the daemon's fd store which objects systemd keeps, also for those handed back. */
    @Test
    void explainNamesSystemdsFdStoreAsAHolderThatKeepsTheObjectAcrossRestarts() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            long stored;
            String holder;
            try (BpfkeeperClient client = systemd.client()) {
                stored = client.createMap(CreateMapRequest.of("stored", "array", 4, 8, 1)).id();
                long pinned = client.createMap(CreateMapRequest.of("pinned", "array", 4, 8, 1).withPin("pinned")).id();
                holder = "systemd's fd store keeps it as " + FakeSystemd.rootsStoreName("map", stored) + " across restarts of bpfkeeper until it"
                        + " is released, or the bpfkeeper unit is stopped rather than restarted";
                assertThat(client.explain(Kind.MAP, stored).holders()).extracting(Holder::description)
                        .contains(holder);
                assertThat(client.explain(Kind.MAP, pinned).holders()).extracting(Holder::type)
                        .doesNotContain(HolderType.FDSTORE);
            }

            systemd.restart();

            try (BpfkeeperClient client = systemd.client()) {
                Explanation explanation = client.explain(Kind.MAP, stored);
                assertThat(explanation.holders()).filteredOn(each -> each.type() == HolderType.FDSTORE)
                        .extracting(Holder::description).containsExactly(holder);
                assertThat(explanation.verdict()).contains(holder);
            }
        }
    }

    @Test
    void pingsTheWatchdogWhenSystemdAsksForIt() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()).withEnvironment("WATCHDOG_USEC", "1000000")) {
            systemd.start();
            Eventually.until(Duration.ofSeconds(30), () -> systemd.notificationsOfThisRun().stream()
                    .filter("WATCHDOG=1"::equals).count() >= 2, "two WATCHDOG=1 pings");
            assertThat(systemd.log()).contains("pinging systemd's watchdog every 500 ms");
        }
    }

    @Test
    void withoutSystemdTheDaemonSaysAtStartAndAtStopThatUnpinnedObjectsDoNotSurvive() throws Exception {
        Path directory = Files.createTempDirectory("bpfkeeper-plain-");
        try {
            Path socket = directory.resolve("bpfkeeper.sock");
            Path log = directory.resolve("daemon.log");
            ProcessBuilder builder = new ProcessBuilder(Repository.root().resolve("bin/bpfkeeperd").toString(),
                    "--socket", socket.toString(), "--pin-root", bpffs.path().toString(),
                    "--state-dir", directory.resolve("state").toString(), "--metrics-address", "127.0.0.1:0")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
            builder.environment().remove("NOTIFY_SOCKET");
            Process daemon = builder.start();
            long doomed;
            try {
                Eventually.until(Duration.ofMinutes(2), () -> Files.exists(socket) || !daemon.isAlive(),
                        "the daemon serving " + socket);
                try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                    doomed = client.createMap(CreateMapRequest.of("doomed", "array", 4, 8, 1)).id();
                }
            } finally {
                daemon.destroy();
                daemon.waitFor(1, TimeUnit.MINUTES);
            }
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, (int) doomed),
                    "map " + doomed + " freed with the daemon, which had no fd store to leave it in");
            assertThat(Files.readString(log))
                    .contains("no systemd fd store: unpinned daemon-lifetime objects will not survive this daemon")
                    .contains("released 1 unpinned daemon-lifetime objects: without systemd's fd store they do not"
                            + " survive the daemon");
        } finally {
            Directories.deleteRecursively(directory);
        }
    }
}
