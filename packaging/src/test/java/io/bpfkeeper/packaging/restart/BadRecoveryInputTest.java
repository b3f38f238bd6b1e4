package io.bpfkeeper.packaging.restart;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.BpffsMount;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.packaging.support.CountingAttachments;
import io.bpfkeeper.packaging.support.FakeSystemd;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the daemon finds at start may not match its journal. Each case ends with a clear message, in
 * the log and in List's "lost", and a daemon that serves.
 */
@KernelTest
class BadRecoveryInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DATAGRAMS = 5;
    private static final long TC_PRIORITY = 3;
    private static final long TC_HANDLE = 9;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void aJournalNamingAnObjectThatNoLongerExistsListsItAsLost() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            int id = createMap(systemd, CreateMapRequest.of("gone", "array", 4, 8, 1).withPin("gone"));
            systemd.stop();
            Path pin = bpffs.path().resolve("gone");
            Files.delete(pin);
            Eventually.until(Duration.ofSeconds(30), () -> !KernelIds.exists(ObjectKind.MAP, id),
                    "map " + id + " freed with its only pin");

            systemd.start();

            BpfObject lost = onlyObject(systemd);
            assertThat(lost.id()).isEqualTo(id);
            assertThat(lost.lost()).isEqualTo("the pin " + pin + " is gone");
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.get(Kind.MAP, id)).isEqualTo(lost);
            }
            assertThat(systemd.log()).contains("lost map " + id + " (gone): the pin " + pin + " is gone");
            assertServes(systemd);
        }
    }

    @Test
    void aStopRatherThanARestartEmptiesTheFdStoreAndTheUnpinnedMapIsListedAsLost() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            int id = createMap(systemd, CreateMapRequest.of("unpinned", "array", 4, 8, 1));
            systemd.stop();
            systemd.emptyFdStore();

            systemd.start();

            assertThat(KernelIds.exists(ObjectKind.MAP, id)).isFalse();
            assertThat(onlyObject(systemd).lost()).startsWith("systemd's fd store did not hand it back");
            assertServes(systemd);
        }
    }

    @Test
    void aPinThatNowHoldsAnotherObjectIsNotAdoptedAndTheRecordedObjectIsLost() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            int recorded = createMap(systemd, CreateMapRequest.of("recorded", "array", 4, 8, 1).withPin("swapped"));
            systemd.stop();
            Path pin = bpffs.path().resolve("swapped");
            Files.delete(pin);
            int other = Bpftool.createPinnedArrayMap(pin, "other");

            systemd.start();

            BpfObject lost = onlyObject(systemd);
            assertThat(lost.id()).isEqualTo(recorded);
            assertThat(lost.lost()).isEqualTo("the pin " + pin + " now holds map " + other + ", not the recorded map "
                    + recorded);
            assertThat(KernelIds.exists(ObjectKind.MAP, other)).as("the other map is left alone").isTrue();
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.adopt(AdoptRequest.byPath("swapped")).id()).isEqualTo(other);
            }
        }
    }

    /**
     * An entry that holds another object than its name says, or comes twice, leaves the store; one
     * that the journal does not record is kept for root, since a crash between storing and recording
     * leaves it, and its name says whose it was.
     */
    @Test
    void fdStoreEntriesThatHoldAnotherObjectOrComeTwiceAreDroppedAndThoseWithoutARecordAreKeptForRoot()
            throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            int swapped = createMap(systemd, CreateMapRequest.of("swapped", "array", 4, 8, 1));
            int kept = createMap(systemd, CreateMapRequest.of("kept", "array", 4, 8, 1));
            systemd.stop();
            int impostor = Bpftool.createPinnedArrayMap(bpffs.path().resolve("impostor"), "impostor");
            int unknown = Bpftool.createPinnedArrayMap(bpffs.path().resolve("unknown"), "unknown");
            int older = Bpftool.createPinnedArrayMap(bpffs.path().resolve("older"), "older");
            String unknownName = FakeSystemd.storeName("map", unknown, 1000);
            systemd.replaceInFdStore(FakeSystemd.rootsStoreName("map", swapped),
                    BpfFs.open(bpffs.path().resolve("impostor")));
            systemd.replaceInFdStore(unknownName, BpfFs.open(bpffs.path().resolve("unknown")));
            // An older daemon named its entries without the owner.
            systemd.replaceInFdStore("map-" + older, BpfFs.open(bpffs.path().resolve("older")));
            systemd.addToFdStore(FakeSystemd.rootsStoreName("map", kept), KernelIds.open(ObjectKind.MAP, kept));
            Files.delete(bpffs.path().resolve("unknown"));
            Files.delete(bpffs.path().resolve("older"));

            systemd.start();

            try (BpfkeeperClient client = systemd.client()) {
                List<BpfObject> objects = client.list(null, null);
                assertThat(objects).extracting(BpfObject::id)
                        .containsExactlyInAnyOrder((long) kept, (long) unknown, (long) older, (long) swapped);
                assertThat(client.get(Kind.MAP, swapped).lost()).isEqualTo("the fd store's entry now holds map "
                        + impostor + ", not the recorded map " + swapped);
                BpfObject unrecorded = client.get(Kind.MAP, unknown);
                assertThat(unrecorded.owner().uid()).isZero();
                assertThat(unrecorded.lost()).isNull();
                assertThat(unrecorded.unrecorded()).isEqualTo("systemd's fd store held it as " + unknownName
                        + " without a record in the journal, which a crash between storing and recording it leaves;"
                        + " it was uid 1000's, and root owns it now");
                assertThat(client.get(Kind.MAP, older).unrecorded()).contains("held it as map-" + older + " ")
                        .contains("the entry does not say whose it was");
                assertThat(client.get(Kind.MAP, kept).unrecorded()).isNull();
            }
            assertThat(systemd.log()).contains("kept map " + unknown + " (unknown) from systemd's fd store without a"
                    + " journal record");
            // The second entry of KEPT could only go with the first; the kept map went back in once.
            assertThat(systemd.fdStoreNames()).containsExactlyInAnyOrder(FakeSystemd.rootsStoreName("map", kept),
                    unknownName, "map-" + older);
            // Only the store holds the unrecorded maps: they stay alive, and stay marked after a restart.
            systemd.restart();
            try (BpfkeeperClient client = systemd.client()) {
                BpfObject unrecorded = client.get(Kind.MAP, unknown);
                assertThat(unrecorded.unrecorded()).contains("it was uid 1000's");
                assertThat(unrecorded.owner().uid()).isZero();
            }
            assertThat(KernelIds.exists(ObjectKind.MAP, unknown)).isTrue();
            assertServes(systemd);
        }
    }

    @Test
    void aCorruptJournalIsMovedAsideAndTheFdStoreEntriesAreKeptForRoot() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path())) {
            systemd.start();
            int id = createMap(systemd, CreateMapRequest.of("kept", "array", 4, 8, 1));
            systemd.stop();
            Path journal = systemd.stateDirectory().resolve("journal.json");
            Files.writeString(journal, "{\"version\": 1, \"objects\": [ this is not json");

            systemd.start();

            List<Path> asides;
            try (Stream<Path> files = Files.list(systemd.stateDirectory())) {
                asides = files.filter(path -> path.getFileName().toString().startsWith("journal.json.unreadable-"))
                        .toList();
            }
            assertThat(asides).hasSize(1);
            assertThat(Files.readString(asides.get(0))).contains("this is not json");
            assertThat(systemd.log()).contains("the journal " + journal + " is unreadable (")
                    .contains("moved it to " + asides.get(0));
            BpfObject kept = onlyObject(systemd);
            assertThat(kept.id()).isEqualTo(id);
            assertThat(kept.lost()).isNull();
            assertThat(kept.owner().uid()).isZero();
            assertThat(kept.unrecorded()).contains("held it as " + FakeSystemd.rootsStoreName("map", id) + " ");
            assertThat(Files.readString(journal)).contains("\"id\" : " + id);
            assertServes(systemd);
        }
    }

    @Test
    void aPinRootThatIsNotABpffsLosesThePinnedObjectsButNotTheStoredOnes() throws IOException {
        BpffsMount mount = BpffsMount.create();
        Path root = mount.path();
        try (FakeSystemd systemd = FakeSystemd.create(root)) {
            int pinned;
            int stored;
            try {
                systemd.start();
                pinned = createMap(systemd, CreateMapRequest.of("pinned", "array", 4, 8, 1).withPin("pinned"));
                stored = createMap(systemd, CreateMapRequest.of("stored", "array", 4, 8, 1));
                systemd.stop();
            } finally {
                mount.close();
            }
            Files.createDirectory(root);
            try {
                systemd.start();

                String notBpffs = "the pin root " + root + " is not a bpffs (mount -t bpf bpf " + root + ")";
                assertThat(systemd.log()).contains("pins are unavailable: " + notBpffs);
                try (BpfkeeperClient client = systemd.client()) {
                    List<BpfObject> objects = client.list(null, null);
                    assertThat(objects).extracting(BpfObject::id).containsExactly((long) stored, (long) pinned);
                    assertThat(objects.get(1).lost()).isEqualTo("the pin " + root.resolve("pinned")
                            + " is not on a bpffs (" + notBpffs + ")");
                    var refused = expectError(BpfkeeperInterface.INVALID_PIN_PATH, () -> client.createMap(
                            CreateMapRequest.of("refused", "array", 4, 8, 1).withPin("refused")));
                    assertThat(refused.getMessage()).contains(notBpffs);
                }
                assertServes(systemd);
            } finally {
                systemd.stop();
                Files.delete(root);
            }
        }
    }

    /** The link goes with its last fd; its program, held in the store too, is taken back and runs nowhere. */
    /**
     * A link in the fd store that the journal does not record stays on its hook, kept for root, though
     * nothing says where it is attached; Detach still takes it off.
     */
    @Test
    void aLinkInTheFdStoreWithoutARecordStaysOnItsHookForRoot() throws IOException {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()); TestNetwork network = TestNetwork.create()) {
            systemd.start();
            CountingAttachments.Attached attached = CountingAttachments.xdpLink(systemd, network);
            Counters.Loaded xdp = attached.counting();
            BpfObject link = attached.attachment();
            systemd.stop();
            Path journal = systemd.stateDirectory().resolve("journal.json");
            ObjectNode document = (ObjectNode) JSON.readTree(journal.toFile());
            ArrayNode objects = (ArrayNode) document.get("objects");
            for (int i = objects.size() - 1; i >= 0; i--) {
                if (objects.get(i).get("kind").asText().equals("link")) {
                    objects.remove(i);
                }
            }
            JSON.writeValue(journal.toFile(), document);

            systemd.start();

            assertThat(Counters.growthDuringExchange(network, DATAGRAMS, xdp.counter()))
                    .as("the link still holds the program on the device").isGreaterThanOrEqualTo(DATAGRAMS);
            try (BpfkeeperClient client = systemd.client()) {
                BpfObject kept = client.get(Kind.LINK, link.id());
                assertThat(kept.unrecorded()).contains("held it as " + FakeSystemd.rootsStoreName("link", link.id()));
                assertThat(kept.owner().uid()).isZero();
                assertThat(kept.link()).as("nothing says where it is attached").isNull();
                assertThat(kept.name()).isEqualTo("xdp_count");

                client.detach(Kind.LINK, link.id());
            }
            assertThat(Counters.growthDuringExchange(network, DATAGRAMS, xdp.counter())).isZero();
            assertServes(systemd);
        }
    }

    @Test
    void aLinkWhoseFdTheStoreNoLongerHoldsIsListedAsLost() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()); TestNetwork network = TestNetwork.create()) {
            systemd.start();
            CountingAttachments.Attached attached = CountingAttachments.xdpLink(systemd, network);
            Counters.Loaded xdp = attached.counting();
            BpfObject link = attached.attachment();
            systemd.stop();
            systemd.removeFromFdStore(FakeSystemd.rootsStoreName("link", link.id()));
            Eventually.until(Duration.ofSeconds(30), () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()),
                    "link " + link.id() + " freed with its last fd");

            systemd.start();

            try (BpfkeeperClient client = systemd.client()) {
                BpfObject lost = client.get(Kind.LINK, link.id());
                assertThat(lost.lost()).startsWith("systemd's fd store did not hand it back");
                assertThat(client.get(Kind.PROGRAM, xdp.program().id()).lost()).isNull();
            }
            assertThat(systemd.log()).contains("lost link " + link.id() + " (xdp_count): systemd's fd store did not"
                    + " hand it back");
            assertThat(network.netShow(network.netnsB()).get("xdp")).isEmpty();
            assertThat(Counters.growthDuringExchange(network, DATAGRAMS, xdp.counter())).isZero();
            assertServes(systemd);
        }
    }

    /** A lost attachment keeps its id to itself: the next attachment gets a later one. */
    @Test
    void aTcFilterRemovedWhileTheDaemonWasDownIsListedAsLost() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()); TestNetwork network = TestNetwork.create()) {
            systemd.start();
            CountingAttachments.Attached attached = CountingAttachments.tcFilter(systemd, network, TC_PRIORITY,
                    TC_HANDLE);
            long filter = attached.attachment().id();
            systemd.stop();
            network.inNetns(network.netnsB(), "tc", "filter", "del", "dev", network.deviceB(), "ingress", "pref",
                    Long.toString(TC_PRIORITY));

            systemd.start();

            String reason = "the tc cls_bpf filter with priority " + TC_PRIORITY + " and handle 0x"
                    + Long.toHexString(TC_HANDLE) + " on the ingress hook of " + network.deviceB() + " in netns "
                    + network.netnsB() + " is gone";
            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.get(Kind.ATTACHMENT, filter).lost()).isEqualTo(reason);
                assertThat(CountingAttachments.tcFilter(systemd, network, attached.counting().program(), TC_PRIORITY,
                        TC_HANDLE).id()).isGreaterThan(filter);
            }
            assertThat(systemd.log()).contains("lost attachment " + filter + " (tc_count): " + reason);
            assertServes(systemd);
        }
    }

    /** The filter's place is someone else's now: the record is lost, and their filter is left alone. */
    @Test
    void aTcFilterThatNowHoldsAnotherProgramIsListedAsLostAndLeftAlone() {
        try (FakeSystemd systemd = FakeSystemd.create(bpffs.path()); TestNetwork network = TestNetwork.create()) {
            systemd.start();
            CountingAttachments.Attached recorded = CountingAttachments.tcFilter(systemd, network, TC_PRIORITY,
                    TC_HANDLE);
            long filter = recorded.attachment().id();
            Counters.Loaded other;
            try (BpfkeeperClient client = systemd.client()) {
                other = Counters.load(client, LoadObjectRequest.of("other", BpfTestObjects.bytes("tc_count"))
                        .withPin("tc_count", "other"), "tc_count");
            }
            systemd.stop();
            network.inNetns(network.netnsB(), "tc", "filter", "replace", "dev", network.deviceB(), "ingress",
                    "protocol", "all", "pref", Long.toString(TC_PRIORITY), "handle", Long.toString(TC_HANDLE), "bpf",
                    "direct-action", "pinned", bpffs.path().resolve("other").toString());

            systemd.start();

            try (BpfkeeperClient client = systemd.client()) {
                assertThat(client.get(Kind.ATTACHMENT, filter).lost()).endsWith(" on the ingress hook of "
                        + network.deviceB() + " in netns " + network.netnsB() + " now holds program "
                        + other.program().id() + ", not the recorded program " + recorded.counting().program().id());
            }
            assertThat(network.netShow(network.netnsB()).get("tc")).singleElement()
                    .satisfies(onDevice -> assertThat(onDevice.get("id").asLong()).isEqualTo(other.program().id()));
            assertThat(Counters.growthDuringExchange(network, DATAGRAMS, other.counter()))
                    .isGreaterThanOrEqualTo(DATAGRAMS);
            assertServes(systemd);
        }
    }

    private static int createMap(FakeSystemd systemd, CreateMapRequest request) {
        try (BpfkeeperClient client = systemd.client()) {
            return (int) client.createMap(request).id();
        }
    }

    private static BpfObject onlyObject(FakeSystemd systemd) {
        try (BpfkeeperClient client = systemd.client()) {
            List<BpfObject> objects = client.list(null, null);
            assertThat(objects).hasSize(1);
            return objects.get(0);
        }
    }

    /** The daemon still works: it creates, writes and releases a map. */
    private static void assertServes(FakeSystemd systemd) {
        try (BpfkeeperClient client = systemd.client()) {
            long id = client.createMap(CreateMapRequest.of("works", "array", 4, 8, 1)).id();
            client.mapUpdate(id, "00000000", "0100000000000000", null);
            client.release(Kind.MAP, id);
        }
    }
}
