package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.types.BpfObject;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The attacker of the trust tests is who the kernel and the daemon think it is, and no more. */
@KernelTest
class TestUserTest {

    private static final long SYS_GETEUID = 107;
    private static final long SYS_SETRESUID = 117;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void onlyAnAdmittedUserConnectsAndTheDaemonSeesItsUid() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); TestUser admitted = TestUser.create();
                TestUser stranger = TestUser.create()) {
            daemon.admit(admitted);
            assertThat(Files.getPosixFilePermissions(daemon.socket())).hasSize(4);

            try (BpfkeeperClient client = admitted.client(daemon.socket())) {
                BpfObject map = client.createMap(CreateMapRequest.of("mine", "array", 4, 4, 1));
                assertThat(map.owner().uid()).isEqualTo(admitted.uid());
            }
            VarlinkClient.connect(daemon.socket()).close();
            assertThatThrownBy(() -> stranger.connect(daemon.socket()))
                    .as("the socket is 0660, and the stranger is not in its group")
                    .hasRootCauseMessage("Permission denied");
        }
    }

    @Test
    void aThreadRunAsTheUserHasItsIdsAndCannotTakeRootBack() throws Exception {
        try (TestUser user = TestUser.create()) {
            long[] ids = user.run(() -> new long[] {LibC.INSTANCE.syscall(SYS_GETEUID, 0, 0, 0),
                    LibC.INSTANCE.syscall(SYS_SETRESUID, 0, 0, 0)});
            assertThat(ids[0]).as("geteuid").isEqualTo(user.uid());
            assertThat(ids[1]).as("setresuid(0, 0, 0)").isEqualTo(-1);
        }
    }
}
