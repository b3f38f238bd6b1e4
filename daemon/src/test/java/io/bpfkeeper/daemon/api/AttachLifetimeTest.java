package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.DaemonProcess;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.ProgramOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifetime matrix of attachments, against the kernel: the daemon runs as a process and is
 * killed with SIGKILL, as a crash would end it, and traffic then shows which attachments still
 * run. Once the daemon is gone, counters are read with bpftool.
 */
@KernelTest
class AttachLifetimeTest {

    private static final Duration FREED = Duration.ofSeconds(10);
    private static final int DATAGRAMS = 5;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestNetwork network;
    private DaemonProcess daemon;
    private BpfkeeperClient client;

    @BeforeEach
    void start() {
        network = TestNetwork.create();
        daemon = DaemonProcess.start(bpffs.path());
        client = daemon.client();
    }

    @AfterEach
    void stop() {
        client.close();
        daemon.close();
        network.close();
    }

    @Test
    void unpinnedDaemonLifetimeXdpLinkIsGoneOnceTheDaemonIsKilled() throws InterruptedException {
        // The counter is pinned, so that it can be read once the program is gone with the link.
        Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count"))
                .withPin("counter", "xdp_counter"), "xdp_count");
        BpfObject link = client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                .inNetns(network.netnsB()));
        assertThat(link.lifetime()).isEqualTo(Lifetime.DAEMON);
        long before = Counters.read(client, xdp.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.read(client, xdp.counter())).isGreaterThanOrEqualTo(before + DATAGRAMS);

        daemon.kill();

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        assertThat(network.netShow(network.netnsB()).get("xdp")).isEmpty();
        long afterKill = Counters.readWithBpftool(xdp.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.readWithBpftool(xdp.counter())).isEqualTo(afterKill);
    }

    @Test
    void pinnedTcxLinkKeepsCountingAfterTheDaemonIsKilled() throws InterruptedException {
        Counters.Loaded tcx = Counters.load(client, LoadObjectRequest.of("tcx", BpfTestObjects.bytes("tcx_count"))
                .withProgram("tcx_count", new ProgramOptions("sched_cls", "tcx_egress")), "tcx_count");
        BpfObject link = client.attach(AttachRequest.onInterface(tcx.program().id(), Hook.TCX, network.deviceA())
                .inNetns(network.netnsA()).withDirection(Direction.EGRESS).withPin("tcx_link"));

        daemon.kill();

        // The pin holds the link, the link the program, the program its counter.
        assertThat(KernelIds.exists(ObjectKind.LINK, (int) link.id())).isTrue();
        long before = Counters.readWithBpftool(tcx.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.readWithBpftool(tcx.counter())).isGreaterThanOrEqualTo(before + DATAGRAMS);
    }

    @Test
    void tcFilterKeepsCountingAfterTheDaemonIsKilledAsTheKernelHoldsIt() throws InterruptedException {
        Counters.Loaded tc = Counters.load(client, LoadObjectRequest.of("tc", BpfTestObjects.bytes("tc_count")),
                "tc_count");
        client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withFilter(3L, 9L));

        daemon.kill();

        assertThat(network.netShow(network.netnsB()).get("tc")).singleElement()
                .satisfies(filter -> assertThat(filter.get("id").asLong()).isEqualTo(tc.program().id()));
        long before = Counters.readWithBpftool(tc.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.readWithBpftool(tc.counter())).isGreaterThanOrEqualTo(before + DATAGRAMS);
    }

    @Test
    void sessionLifetimeLinkIsGoneAsSoonAsItsClientDisconnectsWhileTheDaemonRuns() {
        Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")),
                "xdp_count");
        BpfObject link;
        try (BpfkeeperClient session = daemon.client()) {
            link = session.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                    .inNetns(network.netnsB()).withLifetime(Lifetime.SESSION));
            long before = Counters.read(client, xdp.counter());
            network.exchange(DATAGRAMS);
            assertThat(Counters.read(client, xdp.counter())).isGreaterThanOrEqualTo(before + DATAGRAMS);
        }

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        assertThat(client.list(null, null)).extracting(BpfObject::id).doesNotContain(link.id());
        long afterDisconnect = Counters.read(client, xdp.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.read(client, xdp.counter())).as("the daemon still runs and answers")
                .isEqualTo(afterDisconnect);
    }
}
