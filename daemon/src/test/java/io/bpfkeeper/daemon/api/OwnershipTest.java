package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.OtherUser;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Kind;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Only an object's owner uid, or root, may change it; anyone connected may read it. */
@KernelTest
class OwnershipTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void anotherUserCanReadButNotChangeRootsMap() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient root = daemon.client()) {
            daemon.openSocketToEveryone();
            int id = (int) root.createMap(CreateMapRequest.of("roots", "hash", 4, 4, 4)).id();
            root.mapUpdate(id, "01000000", "01000000", null);

            try (BpfkeeperClient nobody = new BpfkeeperClient(OtherUser.connect(daemon.socket(), OtherUser.NOBODY))) {
                // The default policy describes only the caller's own objects; reading values stays open.
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.get(Kind.MAP, id));
                assertThat(nobody.mapLookup(id, "01000000")).isPresent();
                assertThat(nobody.list(null, null)).isEmpty();

                var denied = expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.release(Kind.MAP, id));
                assertThat(denied.parameters().get("ownerUid").asInt()).isZero();
                assertThat(denied.parameters().get("callerUid").asInt()).isEqualTo(OtherUser.NOBODY);
                expectError(BpfkeeperInterface.PERMISSION_DENIED,
                        () -> nobody.mapUpdate(id, "01000000", "02000000", null));
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.mapDelete(id, "01000000"));
                expectError(BpfkeeperInterface.PERMISSION_DENIED,
                        () -> nobody.mapUpdateBatch(id, List.of(new Entry("02000000", "02000000")), null));
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> nobody.pin(Kind.MAP, id, "stolen"));
            }
            assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();
            assertThat(Bpftool.mapLookup(id, HexFormat.of().parseHex("01000000")))
                    .isEqualTo(HexFormat.of().parseHex("01000000"));
            assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).hasSize(1);
        }
    }

    @Test
    void anotherUserOwnsWhatItCreatesAndRootMayReleaseIt() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient root = daemon.client()) {
            daemon.openSocketToEveryone();
            try (BpfkeeperClient nobody = new BpfkeeperClient(OtherUser.connect(daemon.socket(), OtherUser.NOBODY))) {
                BpfObject own = nobody.createMap(CreateMapRequest.of("nobodys", "array", 4, 4, 1));
                assertThat(own.owner().uid()).isEqualTo(OtherUser.NOBODY);
                assertThat(own.owner().gid()).isEqualTo(OtherUser.NOBODY);
                nobody.mapUpdate(own.id(), "00000000", "07000000", null);

                BpfObject second = nobody.createMap(CreateMapRequest.of("second", "array", 4, 4, 1));
                nobody.release(Kind.MAP, second.id());
                root.release(Kind.MAP, own.id());
                assertThat(root.list(null, null)).isEmpty();
            }
        }
    }
}
