package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.OtherUser;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pins live in bpffs under the pin root, outlive the daemon, and let a new daemon adopt the object. */
@KernelTest
class PinAndAdoptTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private static int pinnedId(Path pin) {
        return Bpftool.json("map", "show", "pinned", pin.toString()).get("id").asInt();
    }

    @Test
    void pinAtCreationMakesMissingDirectoriesAndBpftoolSeesIt() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            BpfObject map = client.createMap(CreateMapRequest.of("pinned", "hash", 4, 4, 4).withPin("a/b/c/pinned"));

            Path pin = bpffs.path().resolve("a/b/c/pinned");
            assertThat(map.pins()).containsExactly(pin.toString());
            assertThat(pinnedId(pin)).isEqualTo(map.id());
        }
    }

    @Test
    void pinnedMapOutlivesTheDaemonAndANewDaemonAdoptsIt() {
        Path pin = bpffs.path().resolve("survivor");
        int id;
        try (TestDaemon first = TestDaemon.start(bpffs.path()); BpfkeeperClient client = first.client()) {
            id = (int) client.createMap(CreateMapRequest.of("survivor", "array", 4, 8, 1)).id();
            client.mapUpdate(id, "00000000", "2a00000000000000", null);
            assertThat(client.pin(Kind.MAP, id, "survivor")).isEqualTo(pin.toString());
        }
        assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();

        try (TestDaemon second = TestDaemon.start(bpffs.path()); BpfkeeperClient client = second.client()) {
            BpfObject adopted = client.adopt(AdoptRequest.byPath("survivor"));
            assertThat(adopted.id()).isEqualTo(id);
            assertThat(adopted.name()).isEqualTo("survivor");
            assertThat(adopted.pins()).containsExactly(pin.toString());
            assertThat(client.mapLookup(id, "00000000").orElseThrow().value()).isEqualTo("2a00000000000000");
            expectError(BpfkeeperInterface.ALREADY_OWNED, () -> client.adopt(AdoptRequest.byPath("survivor")));
        }
    }

    @Test
    void unpinDropsThePinAndReleaseThenFreesTheObject() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            int id = (int) client.createMap(CreateMapRequest.of("twice", "hash", 4, 4, 4).withPin("one")).id();
            client.pin(Kind.MAP, id, "two");
            int other = (int) client.createMap(CreateMapRequest.of("other", "hash", 4, 4, 4).withPin("other")).id();

            expectError(BpfkeeperInterface.INVALID_PIN_PATH, () -> client.unpin(Kind.MAP, id, "other"));
            client.unpin(Kind.MAP, id, "one");
            assertThat(Files.exists(bpffs.path().resolve("one"))).isFalse();
            assertThat(client.get(Kind.MAP, id).pins()).containsExactly(bpffs.path().resolve("two").toString());

            client.release(Kind.MAP, id);
            assertThat(KernelIds.exists(ObjectKind.MAP, id)).as("the remaining pin holds it").isTrue();
            Files.delete(bpffs.path().resolve("two"));
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, id),
                    "map " + id + " freed once its last pin is gone");
            assertThat(KernelIds.exists(ObjectKind.MAP, other)).isTrue();
        }
    }

    @Test
    void pinPathsOutsideTheRootOrThroughSymlinksAreRefused() throws Exception {
        Files.createDirectories(bpffs.path().resolve("real"));
        Files.createSymbolicLink(bpffs.path().resolve("link"), Path.of("/tmp"));
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            int id = (int) client.createMap(CreateMapRequest.of("m", "hash", 4, 4, 4)).id();
            for (String bad : List.of("../escape", "/tmp/escape", "a/../../escape", "link/escape", "dotted.name",
                    "", "/")) {
                var failure = expectError(BpfkeeperInterface.INVALID_PIN_PATH, () -> client.pin(Kind.MAP, id, bad));
                assertThat(failure.parameters().get("reason").asText()).isNotBlank();
            }
            var refused = expectError(BpfkeeperInterface.INVALID_PIN_PATH, () -> client.createMap(
                    CreateMapRequest.of("never", "hash", 4, 4, 4).withPin("../never")));
            assertThat(refused.getMessage()).contains("leaves the pin root");
            assertThat(client.list(Kind.MAP, null)).extracting(BpfObject::id).containsExactly((long) id);
            assertThat(Files.exists(Path.of("/tmp/escape"))).isFalse();
        }
    }

    /** The README's promise: a pin outlives the daemon, and its owner, root or not, adopts it back. */
    @Test
    void aNonRootOwnerAdoptsItsOwnPinAfterARestart() throws Exception {
        try (TestUser owner = TestUser.create(); TestUser stranger = TestUser.create();
                TestDaemon first = TestDaemon.start(bpffs.path())) {
            first.admit(owner);
            String kept = "users/" + owner.uid() + "/app/kept";
            int id;
            try (BpfkeeperClient client = owner.client(first.socket())) {
                // A session object: the next daemon's recovery leaves it to Adopt.
                id = (int) client.createMap(CreateMapRequest.of("kept", "array", 4, 8, 1)
                        .withLifetime(Lifetime.SESSION).withPin(kept)).id();
            }
            first.stop();
            Path pin = bpffs.path().resolve(kept);
            assertThat(Files.getAttribute(pin, "unix:uid")).as("the pin's owner").isEqualTo(owner.uid());
            assertThat(Files.getAttribute(pin.getParent(), "unix:uid")).as("its directory's owner")
                    .isEqualTo(owner.uid());
            assertThat(pinnedId(pin)).isEqualTo(id);

            try (TestDaemon second = TestDaemon.startIn(first.directory(), bpffs.path(), List.of())) {
                second.admit(owner);
                second.admit(stranger);
                try (BpfkeeperClient client = stranger.client(second.socket())) {
                    expectError(BpfkeeperInterface.PERMISSION_DENIED,
                            () -> client.adopt(AdoptRequest.byPath(kept)));
                }
                try (BpfkeeperClient client = owner.client(second.socket())) {
                    BpfObject adopted = client.adopt(AdoptRequest.byPath(kept));
                    assertThat(adopted.id()).isEqualTo(id);
                    assertThat(adopted.owner().uid()).isEqualTo(owner.uid());
                }
            }
        }
    }

    /** The policy lets the client pin anywhere: what refuses it is who may write each directory. */
    @Test
    void aClientAddsNamesOnlyToDirectoriesItCouldWriteItself(@TempDir Path policyDir) throws Exception {
        Path rootsDirectory = Files.createDirectory(bpffs.path().resolve("roots"));
        try (TestUser client = TestUser.create(); TestUser other = TestUser.create();
                TestDaemon daemon = TestDaemon.startGranting(bpffs.path(), policyDir, client, "pinPrefix: \"\"")) {
            daemon.admit(client);
            daemon.admit(other);
            try (BpfkeeperClient others = other.client(daemon.socket())) {
                others.createMap(CreateMapRequest.of("theirs", "array", 4, 8, 1)
                        .withPin("users/" + other.uid() + "/theirs"));
            }
            try (BpfkeeperClient caller = client.client(daemon.socket())) {
                long id = caller.createMap(CreateMapRequest.of("mine", "array", 4, 8, 1)).id();
                for (String denied : List.of("roots/pin", "roots/sub/pin", "users/" + other.uid() + "/pin",
                        "users/" + other.uid() + "/sub/pin")) {
                    var failure = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                            () -> caller.pin(Kind.MAP, id, denied));
                    assertThat(failure.getMessage()).contains(denied.substring(0, denied.lastIndexOf('/')));
                }
                expectError(BpfkeeperInterface.INVALID_PIN_PATH, () -> caller.pin(Kind.MAP, id, "users"));
                assertThat(caller.pin(Kind.MAP, id, "users/" + client.uid() + "/sub/pin"))
                        .isEqualTo(bpffs.path().resolve("users/" + client.uid() + "/sub/pin").toString());
                assertThat(caller.pin(Kind.MAP, id, "shared/pin")).as("the root of a bare bpffs is 1777")
                        .isEqualTo(bpffs.path().resolve("shared/pin").toString());
            }
            try (var names = Files.list(rootsDirectory)) {
                assertThat(names).isEmpty();
            }
            try (var names = Files.list(bpffs.path().resolve("users/" + other.uid()))) {
                assertThat(names).extracting(Path::getFileName).extracting(Path::toString).containsExactly("theirs");
            }
            assertThat(Files.getAttribute(bpffs.path().resolve("users"), "unix:uid")).isEqualTo(0);
        }
    }

    @Test
    void adoptingByIdTakesAnObjectHeldOnlyByAForeignPinAndNeedsRoot() throws Exception {
        Path foreign = bpffs.path().resolve("foreign");
        int id = Bpftool.createPinnedArrayMap(foreign, "foreign");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            daemon.openSocketToEveryone();
            try (BpfkeeperClient nobody = new BpfkeeperClient(OtherUser.connect(daemon.socket(), OtherUser.NOBODY))) {
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.adopt(AdoptRequest.byId(Kind.MAP, id)));
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.adopt(AdoptRequest.byPath("foreign")));
            }
            BpfObject adopted = client.adopt(AdoptRequest.byId(Kind.MAP, id).withLifetime(Lifetime.SESSION));
            assertThat(adopted.type()).isEqualTo("array");
            assertThat(adopted.lifetime()).isEqualTo(Lifetime.SESSION);
            expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.adopt(AdoptRequest.byId(Kind.MAP, 999_999)));
        }
        assertThat(KernelIds.exists(ObjectKind.MAP, id)).as("the foreign pin still holds it").isTrue();
    }
}
