package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Maps the daemon creates exist in the kernel as asked, and live exactly as long as their lifetime says. */
@KernelTest
class MapLifetimeTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void createdMapIsWhatBpftoolSees() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            BpfObject map = client.createMap(CreateMapRequest.of("counters", "lru_hash", 4, 8, 128).withFlags(0));

            JsonNode shown = Bpftool.mapShow((int) map.id());
            assertThat(shown.get("type").asText()).isEqualTo("lru_hash");
            assertThat(shown.get("name").asText()).isEqualTo("counters");
            assertThat(shown.get("bytes_key").asInt()).isEqualTo(4);
            assertThat(shown.get("bytes_value").asInt()).isEqualTo(8);
            assertThat(shown.get("max_entries").asInt()).isEqualTo(128);
        }
    }

    @Test
    void sessionMapDiesWithItsConnectionWhileTheDaemonRuns() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path())) {
            int id;
            try (BpfkeeperClient client = daemon.client()) {
                id = (int) client.createMap(CreateMapRequest.of("session", "hash", 4, 4, 8)
                        .withLifetime(Lifetime.SESSION)).id();
                assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();
            }
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, id),
                    "map " + id + " freed after its client disconnected");
        }
    }

    /** The client's session map going away proves that the daemon has handled the disconnect. */
    @Test
    void daemonMapOutlivesItsClient() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path())) {
            int kept;
            int session;
            try (BpfkeeperClient client = daemon.client()) {
                kept = (int) client.createMap(CreateMapRequest.of("kept", "array", 4, 4, 8)).id();
                session = (int) client.createMap(CreateMapRequest.of("session", "array", 4, 4, 8)
                        .withLifetime(Lifetime.SESSION)).id();
            }
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, session),
                    "the session map " + session + " freed after its client disconnected");
            assertThat(KernelIds.exists(ObjectKind.MAP, kept)).isTrue();
            try (BpfkeeperClient other = daemon.client()) {
                assertThat(other.get(Kind.MAP, kept).lifetime()).isEqualTo(Lifetime.DAEMON);
            }
        }
    }

    @Test
    void closingOneConnectionLeavesTheSessionObjectsOfAnother() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient staying = daemon.client()) {
            int stays = (int) staying.createMap(CreateMapRequest.of("stays", "array", 4, 4, 8)
                    .withLifetime(Lifetime.SESSION)).id();
            int leaves;
            try (BpfkeeperClient leaving = daemon.client()) {
                leaves = (int) leaving.createMap(CreateMapRequest.of("leaves", "array", 4, 4, 8)
                        .withLifetime(Lifetime.SESSION)).id();
            }
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, leaves),
                    "the leaving connection's map " + leaves + " freed");

            assertThat(KernelIds.exists(ObjectKind.MAP, stays)).as("the other connection's session map").isTrue();
            assertThat(staying.get(Kind.MAP, stays).lifetime()).isEqualTo(Lifetime.SESSION);
        }
    }
}
