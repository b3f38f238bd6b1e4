package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;

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

    /** tc_count, and a tc filter of it on B's ingress with this priority and handle. */
    public static Attached tcFilter(FakeSystemd systemd, TestNetwork network, long priority, long handle) {
        Counters.Loaded tc;
        try (BpfkeeperClient client = systemd.client()) {
            tc = Counters.load(client, LoadObjectRequest.of("tc", BpfTestObjects.bytes("tc_count")), "tc_count");
        }
        return new Attached(tc, tcFilter(systemd, network, tc.program(), priority, handle));
    }

    /** A tc filter of {@code program} on B's ingress with this priority and handle. */
    public static BpfObject tcFilter(FakeSystemd systemd, TestNetwork network, BpfObject program, long priority,
            long handle) {
        try (BpfkeeperClient client = systemd.client()) {
            return client.attach(AttachRequest.onInterface(program.id(), Hook.TC, network.deviceB())
                    .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withFilter(priority, handle));
        }
    }
}
