package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.ProgramOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network hooks and cgroups, in network namespaces the test makes and the daemon does not live in:
 * traffic across the test's veth pair moves the counter while the program is attached, bpftool
 * sees the attachment, and the counter stops once it is released or detached.
 */
@KernelTest
class AttachNetworkTest {

    private static final Duration FREED = Duration.ofSeconds(10);
    private static final int DATAGRAMS = 5;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    private BpfkeeperClient client;
    private TestNetwork network;

    @BeforeEach
    void start() {
        daemon = TestDaemon.start(bpffs.path());
        client = daemon.client();
        network = TestNetwork.create();
    }

    @AfterEach
    void stop() {
        client.close();
        daemon.close();
        network.close();
    }

    @Test
    void xdpLinkInATestNamespaceCountsUntilReleased() {
        Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")),
                "xdp_count");

        BpfObject link = client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                .inNetns(network.netnsB()));

        assertThat(link.kind()).isEqualTo(Kind.LINK);
        assertThat(link.type()).isEqualTo("xdp");
        assertThat(link.name()).isEqualTo("xdp_count");
        assertThat(link.link().hook()).isEqualTo(Hook.XDP);
        assertThat(link.link().programId()).isEqualTo(xdp.program().id());
        assertThat(link.link().attached()).isTrue();
        assertThat(link.link().target()).isEqualTo(new AttachTarget(network.deviceB(), network.netnsB(), null, null,
                null, null, null, null, null, null, null, null));
        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(xdp.program().id());
        assertThat(network.netShow(network.netnsB()).get("xdp")).singleElement().satisfies(attached -> {
            assertThat(attached.get("devname").asText()).isEqualTo(network.deviceB());
            assertThat(attached.get("id").asLong()).isEqualTo(xdp.program().id());
        });
        assertCounts(xdp);
        String pin = client.pin(Kind.LINK, link.id(), "links/xdp");
        assertThat(Bpftool.json("link", "show", "pinned", pin).get("id").asLong()).isEqualTo(link.id());
        client.unpin(Kind.LINK, link.id(), "links/xdp");
        assertThat(Path.of(pin)).doesNotExist();

        client.release(Kind.LINK, link.id());

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        assertThat(network.netShow(network.netnsB()).get("xdp")).isEmpty();
        assertStopped(xdp);
    }

    /**
     * The namespace comes as a process's (pid:PID), the tcx program from a tcx/egress
     * section that libbpf 1.1 does not know, and the link is pinned: Detach takes it off the hook
     * all the same.
     */
    @Test
    void tcxLinkInAProcessNamespaceCountsEgressUntilDetachedThoughPinned() throws Exception {
        Counters.Loaded tcx = Counters.load(client, LoadObjectRequest.of("tcx", BpfTestObjects.bytes("tcx_count"))
                .withProgram("tcx_count", new ProgramOptions("sched_cls", "tcx_egress")), "tcx_count");
        Process inNetnsA = new ProcessBuilder("ip", "netns", "exec", network.netnsA(), "sleep", "600").start();
        try {
            String netns = "pid:" + inNetnsA.pid();
            String netnsA = "net:[" + Files.getAttribute(Path.of("/run/netns", network.netnsA()), "unix:ino") + "]";
            Eventually.until(FREED, () -> namespaceOf(inNetnsA).equals(netnsA),
                    "ip netns exec has entered " + network.netnsA());

            BpfObject link = client.attach(AttachRequest.onInterface(tcx.program().id(), Hook.TCX, network.deviceA())
                    .inNetns(netns).withDirection(Direction.EGRESS).withPin("links/tcx"));

            assertThat(link.type()).isEqualTo("tcx");
            assertThat(link.link().target().netns()).isEqualTo(netns);
            assertThat(link.link().target().direction()).isEqualTo(Direction.EGRESS);
            assertThat(link.pins()).containsExactly(bpffs.path().resolve("links/tcx").toString());
            assertThat(Bpftool.json("link", "show", "pinned", link.pins().get(0)).get("id").asLong())
                    .isEqualTo(link.id());
            assertCounts(tcx);

            client.detach(Kind.LINK, link.id());

            assertThat(client.list(Kind.LINK, null)).isEmpty();
            assertThat(KernelIds.exists(ObjectKind.LINK, (int) link.id())).as("the pin keeps the link").isTrue();
            assertStopped(tcx);
        } finally {
            inNetnsA.destroy();
            inNetnsA.waitFor();
        }
    }

    @Test
    void tcFilterIsAnAttachmentThatTheKernelHoldsUntilDetached() {
        Counters.Loaded tc = Counters.load(client, LoadObjectRequest.of("tc", BpfTestObjects.bytes("tc_count")),
                "tc_count");

        BpfObject filter = client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                .inNetns(network.netnsB()).withDirection(Direction.INGRESS));

        assertThat(filter.kind()).isEqualTo(Kind.ATTACHMENT);
        assertThat(filter.type()).isEqualTo("tc");
        assertThat(filter.attachment().programId()).isEqualTo(tc.program().id());
        assertThat(filter.attachment().target().priority()).as("the kernel picked a priority").isPositive();
        assertThat(filter.attachment().heldBy()).contains("the kernel", "outlives Release and the daemon",
                "Detach removes it", "tc -n " + network.netnsB() + " filter del dev " + network.deviceB() + " ingress");
        assertThat(client.get(Kind.ATTACHMENT, filter.id())).isEqualTo(filter);
        assertThat(network.netShow(network.netnsB()).get("tc")).singleElement().satisfies(attached -> {
            assertThat(attached.get("kind").asText()).isEqualTo("clsact/ingress");
            assertThat(attached.get("id").asLong()).isEqualTo(tc.program().id());
        });
        assertCounts(tc);

        client.detach(Kind.ATTACHMENT, filter.id());

        assertThat(client.list(Kind.ATTACHMENT, null)).isEmpty();
        assertThat(network.netShow(network.netnsB()).get("tc")).isEmpty();
        assertStopped(tc);
    }

    @Test
    void attachingInANamespaceLeavesEveryThreadOfTheDaemonInItsOwn() throws IOException {
        Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")),
                "xdp_count");
        String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();

        client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(network.netnsB()));

        // The daemon runs in this JVM: its event loops and workers are among these threads.
        List<String> namespaces = new ArrayList<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : threads.toList()) {
                namespaces.add(Files.readSymbolicLink(thread.resolve("ns/net")).toString());
            }
        }
        assertThat(namespaces).isNotEmpty().containsOnly(own);
        assertCounts(xdp);
    }

    @Test
    void cgroupEgressLinkCountsThePacketsThatProcessesInTheCgroupSend() throws IOException {
        Path cgroup = Files.createDirectory(cgroupV2Root().resolve("bpfkeeper-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        try {
            Counters.Loaded counting = Counters.load(client, LoadObjectRequest.of("cgroup_count",
                    BpfTestObjects.bytes("cgroup_egress_count")), "cgroup_egress_count");

            BpfObject link = client.attach(AttachRequest.cgroup(counting.program().id(), cgroup.toString())
                    .withDirection(Direction.EGRESS));

            assertThat(link.type()).isEqualTo("cgroup");
            assertThat(link.link().target().cgroup()).isEqualTo(cgroup.toString());
            assertThat(link.link().target().attachType()).isEqualTo("cgroup_inet_egress");
            assertThat(Bpftool.cgroupShow(cgroup)).singleElement()
                    .satisfies(attached -> assertThat(attached.get("id").asLong()).isEqualTo(counting.program().id()));
            long before = Counters.read(client, counting.counter());
            network.exchangeFromCgroup(cgroup, DATAGRAMS);
            long afterCgroup = Counters.read(client, counting.counter());
            assertThat(afterCgroup).isGreaterThanOrEqualTo(before + DATAGRAMS);
            network.exchange(DATAGRAMS);
            assertThat(Counters.read(client, counting.counter())).as("a sender outside the cgroup")
                    .isEqualTo(afterCgroup);

            client.release(Kind.LINK, link.id());

            Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
            assertThat(Bpftool.cgroupShow(cgroup)).isEmpty();
            network.exchangeFromCgroup(cgroup, DATAGRAMS);
            assertThat(Counters.read(client, counting.counter())).isEqualTo(afterCgroup);
        } finally {
            // Its processes have exited, so the cgroup is empty and can go.
            Files.delete(cgroup);
        }
    }

    /** Where cgroup v2 is mounted; on hybrid hosts, such as this project's, not at /sys/fs/cgroup. */
    static Path cgroupV2Root() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields[2].equals("cgroup2"))
                .map(fields -> Path.of(fields[1]))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cgroup v2 hierarchy is mounted"));
    }

    /** The counter grows by at least one per datagram while the program is on the way. */
    private void assertCounts(Counters.Loaded loaded) {
        long before = Counters.read(client, loaded.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.read(client, loaded.counter())).isGreaterThanOrEqualTo(before + DATAGRAMS);
    }

    /** Traffic went there and back, past where the program was, and the counter did not move. */
    private void assertStopped(Counters.Loaded loaded) {
        long before = Counters.read(client, loaded.counter());
        network.exchange(DATAGRAMS);
        assertThat(Counters.read(client, loaded.counter())).isEqualTo(before);
    }

    /** What /proc/PID/ns/net points to, such as net:[4026532286]; empty while it cannot be read. */
    private static String namespaceOf(Process process) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/ns/net")).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
