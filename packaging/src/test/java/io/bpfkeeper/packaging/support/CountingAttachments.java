package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.BpfObject;

/**
 * What the tests of restarts with attachments start from: a counting program of the daemon's tests
 * ({@link Counters}), loaded through the daemon that a {@link FakeSystemd} runs, and attached on
 * side B of a {@link TestNetwork}, where the traffic of {@link TestNetwork#exchange} passes.
 */
public final class CountingAttachments {

    private CountingAttachments() {
    }

    /** A loaded counting program, and the link or attachment that puts it on the traffic's way. */
    public record Attached(Counters.Loaded counting, BpfObject attachment) {
    }

    /** xdp_count, and a daemon-lifetime link of it on B's device that is not pinned. */
    public static Attached xdpLink(FakeSystemd systemd, TestNetwork network) {
        try (BpfkeeperClient client = systemd.client()) {
            Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp",
                    BpfTestObjects.bytes("xdp_count")), "xdp_count");
            return new Attached(xdp, client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                    .inNetns(network.netnsB())));
        }
    }
}
