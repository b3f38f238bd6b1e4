package io.bpfkeeper.packaging.restart;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.CallErrors;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.packaging.support.Directories;
import io.bpfkeeper.packaging.support.FakeSystemd;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The room in systemd's fd store: where systemd says its size ($FDSTORE, systemd 254 and later), the
 * daemon promises no survival past it, and each uid gets its share of it. Judged by what the fake
 * store holds and drops (it drops past FileDescriptorStoreMax= as systemd does, silently) and by
 * the kernel after a restart, not by the daemon's word.
 */
@KernelTest
class FdStoreRoomTest {

    private static final int STORE_MAX = 3;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void pastTheSizeSystemdAnnouncedAnUnpinnedDaemonLifetimeObjectIsRefusedAndNothingIsDroppedUnseen() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()).withFileDescriptorStoreMax(STORE_MAX)
                .announcingFdStoreSize()) {
            systemd.start();
            List<Long> stored = new ArrayList<>();
            long pinned;
            try (BpfkeeperClient client = systemd.client()) {
                for (int i = 0; i < STORE_MAX; i++) {
                    stored.add(client.createMap(CreateMapRequest.of("room" + i, "array", 4, 8, 1)).id());
                }
                String refusedName = uniqueMapName();
                VarlinkCallException refused = CallErrors.expectError(BpfkeeperInterface.RESOURCE_EXHAUSTED,
                        () -> client.createMap(CreateMapRequest.of(refusedName, "array", 4, 8, 1)));
                assertThat(refused.parameters().path("resource").asText()).isEqualTo("fdStore");
                assertThat(refused.parameters().path("limit").asInt()).isEqualTo(STORE_MAX);
                assertThat(refused.getMessage()).contains("FileDescriptorStoreMax=", "holds 3 of its 3 entries");
                Eventually.until(Duration.ofSeconds(10), () -> mapsNamed(refusedName) == 0,
                        "the refused map " + refusedName + " freed");

                // What needs no entry is not refused: a pinned map, a session map.
                pinned = client.createMap(CreateMapRequest.of("roompinned", "array", 4, 8, 1).withPin("pinned")).id();
                client.createMap(CreateMapRequest.of("roomsession", "array", 4, 8, 1).withLifetime(Lifetime.SESSION));

                // Letting go of the last pin would leave the map to a store that is full.
                CallErrors.expectError(BpfkeeperInterface.RESOURCE_EXHAUSTED,
                        () -> client.unpin(Kind.MAP, pinned, "pinned"));
                assertThat(bpffs.path().resolve("pinned")).as("the refused unpin left the pin").exists();

                client.release(Kind.MAP, stored.remove(0));
                client.unpin(Kind.MAP, pinned, "pinned");
                stored.add(pinned);
                assertThat(client.get(Kind.MAP, pinned).notInFdStore()).isNull();
            }
            assertThat(systemd.fdStoreNames()).hasSize(STORE_MAX);
            assertThat(systemd.fdsDroppedAtTheLimit()).as("fds systemd dropped without a word").isZero();
            assertThat(systemd.log()).contains("of at most 3 (FileDescriptorStoreMax=)");

            systemd.restart();

            assertThat(stored).as("the kernel holds every map the daemon took").allMatch(
                    id -> KernelIds.exists(ObjectKind.MAP, id.intValue()));
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.list(Kind.MAP, null)).extracting(BpfObject::id)
                        .containsExactlyInAnyOrderElementsOf(stored);
                assertThat(client.list(Kind.MAP, null)).allSatisfy(map -> assertThat(map.lost()).isNull());
            }
        }
    }

    /**
     * What the store does when systemd does not say its size (systemd 252, Debian 12's): it drops the
     * fd past FileDescriptorStoreMax= without a word, so the daemon cannot know, and the map is lost
     * at the restart. The per-uid shares are what keeps a host there from filling the store.
     */
    @Test
    void withoutTheAnnouncedSizeSystemdDropsWhatDoesNotFitAndTheRestartLosesIt() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()).withFileDescriptorStoreMax(1)) {
            systemd.start();
            long kept;
            long dropped;
            try (BpfkeeperClient client = systemd.client()) {
                kept = client.createMap(CreateMapRequest.of("kept", "array", 4, 8, 1)).id();
                dropped = client.createMap(CreateMapRequest.of("dropped", "array", 4, 8, 1)).id();
            }
            assertThat(systemd.fdsDroppedAtTheLimit()).isEqualTo(1);
            assertThat(systemd.log()).contains("systemd did not say its size");

            systemd.restart();

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, (int) dropped),
                    "map " + dropped + " freed with the daemon: the store had dropped it");
            assertThat(KernelIds.exists(ObjectKind.MAP, (int) kept)).isTrue();
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.get(Kind.MAP, dropped).lost()).startsWith("systemd's fd store did not hand it back");
            }
        }
    }

    /**
     * A uid's share of the store: a rule gives uid U two entries; its third unpinned daemon-lifetime
     * map is refused (PermissionDenied, naming the limit), while another uid, and U's pinned maps,
     * are not held to U's share.
     */
    @Test
    void aUidGetsNoMoreEntriesOfTheStoreThanItsShare() throws Exception {
        Path policy = Files.createTempDirectory("bpfkeeper-policy-");
        try (TestUser user = TestUser.create();
                FakeSystemd systemd = FakeSystemd.create(bpffs.path()).withPolicyDirectory(policy)) {
            Files.writeString(policy.resolve("50-slots.yaml"), """
                    rules:
                      - name: two-slots
                        match: {user: "%d"}
                        limits: {fdStoreSlots: 2}
                    """.formatted(user.uid()));
            systemd.start();
            systemd.admit(user);
            List<Long> owned = new ArrayList<>();
            try (BpfkeeperClient client = user.client(systemd.socket())) {
                owned.add(client.createMap(CreateMapRequest.of("share0", "array", 4, 8, 1)).id());
                owned.add(client.createMap(CreateMapRequest.of("share1", "array", 4, 8, 1)).id());
                String refusedName = uniqueMapName();
                VarlinkCallException refused = CallErrors.expectError(BpfkeeperInterface.PERMISSION_DENIED,
                        () -> client.createMap(CreateMapRequest.of(refusedName, "array", 4, 8, 1)));
                assertThat(refused.parameters().path("grant").asText()).isEqualTo("limits: {fdStoreSlots: 3}");
                assertThat(refused.parameters().path("refusedBy").asText()).contains("two-slots");
                Eventually.until(Duration.ofSeconds(10), () -> mapsNamed(refusedName) == 0,
                        "the refused map " + refusedName + " freed");
                owned.add(client.createMap(CreateMapRequest.of("share2", "array", 4, 8, 1)
                        .withPin("users/" + user.uid() + "/share2")).id());
            }
            long rootsMap;
            try (BpfkeeperClient root = systemd.client()) {
                rootsMap = root.createMap(CreateMapRequest.of("rootshare", "array", 4, 8, 1)).id();
            }
            assertThat(systemd.fdStoreNames()).containsExactlyInAnyOrder(
                    FakeSystemd.storeName("map", owned.get(0), user.uid()),
                    FakeSystemd.storeName("map", owned.get(1), user.uid()),
                    FakeSystemd.rootsStoreName("map", rootsMap));
        } finally {
            Directories.deleteRecursively(policy);
        }
    }

    private static String uniqueMapName() {
        return "over" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long mapsNamed(String name) {
        return StreamSupport.stream(Bpftool.json("map", "show").spliterator(), false)
                .filter(map -> name.equals(map.path("name").asText())).count();
    }
}
