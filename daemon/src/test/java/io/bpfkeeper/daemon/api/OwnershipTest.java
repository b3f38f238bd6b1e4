package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestUser;
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
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient root = daemon.client();
                TestUser stranger = TestUser.create()) {
            daemon.admit(stranger);
            int id = (int) root.createMap(CreateMapRequest.of("roots", "hash", 4, 4, 4)).id();
            root.mapUpdate(id, "01000000", "01000000", null);

            try (BpfkeeperClient strangers = stranger.client(daemon.socket())) {
                // The default policy describes only the caller's own objects; reading values stays open.
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> strangers.get(Kind.MAP, id));
                assertThat(strangers.mapLookup(id, "01000000")).isPresent();
                assertThat(strangers.list(null, null)).isEmpty();

                var denied = expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> strangers.release(Kind.MAP, id));
                assertThat(denied.parameters().get("ownerUid").asInt()).isZero();
                assertThat(denied.parameters().get("callerUid").asInt()).isEqualTo(stranger.uid());
                expectError(BpfkeeperInterface.PERMISSION_DENIED,
                        () -> strangers.mapUpdate(id, "01000000", "02000000", null));
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> strangers.mapDelete(id, "01000000"));
                expectError(BpfkeeperInterface.PERMISSION_DENIED,
                        () -> strangers.mapUpdateBatch(id, List.of(new Entry("02000000", "02000000")), null));
                expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> strangers.pin(Kind.MAP, id, "stolen"));
            }
            assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();
            assertThat(Bpftool.mapLookup(id, HexFormat.of().parseHex("01000000")))
                    .isEqualTo(HexFormat.of().parseHex("01000000"));
            assertThat(Bpftool.json("map", "dump", "id", Integer.toString(id))).hasSize(1);
        }
    }

    @Test
    void anotherUserOwnsWhatItCreatesAndRootMayReleaseIt() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient root = daemon.client();
                TestUser stranger = TestUser.create()) {
            daemon.admit(stranger);
            try (BpfkeeperClient strangers = stranger.client(daemon.socket())) {
                BpfObject own = strangers.createMap(CreateMapRequest.of("users", "array", 4, 4, 1));
                assertThat(own.owner().uid()).isEqualTo(stranger.uid());
                assertThat(own.owner().gid()).isEqualTo(stranger.gid());
                strangers.mapUpdate(own.id(), "00000000", "07000000", null);

                BpfObject second = strangers.createMap(CreateMapRequest.of("second", "array", 4, 4, 1));
                strangers.release(Kind.MAP, second.id());
                root.release(Kind.MAP, own.id());
                assertThat(root.list(null, null)).isEmpty();
            }
        }
    }
}
