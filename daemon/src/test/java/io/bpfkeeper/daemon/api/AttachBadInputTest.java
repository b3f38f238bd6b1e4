package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestCgroup;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.XdpMode;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach refuses what cannot work with an error that names the cause, and leaves nothing attached:
 * no link or attachment in the daemon, nothing new on the test's devices.
 */
@KernelTest
class AttachBadInputTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @TempDir
    Path notACgroup;

    private TestDaemon daemon;
    private BpfkeeperClient client;
    private TestNetwork network;
    private Counters.Loaded xdp;
    private Counters.Loaded tc;

    @BeforeEach
    void start() {
        daemon = TestDaemon.start(bpffs.path());
        client = daemon.client();
        network = TestNetwork.create();
        xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")), "xdp_count");
        tc = Counters.load(client, LoadObjectRequest.of("tc", BpfTestObjects.bytes("tc_count")), "tc_count");
    }

    @AfterEach
    void stop() {
        client.close();
        daemon.close();
        network.close();
    }

    @Test
    void unknownInterfaceOrNamespace() {
        assertRefused("interface", "no network device nosuchdevice in network namespace " + network.netnsB(),
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), "nosuchdevice").inNetns(network.netnsB())));
        assertRefused("interface", "no network device " + network.deviceB() + " in the daemon's network namespace",
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())));
        assertRefused("netns", "no network namespace bpfkeeper-no-such-netns that you may use (ip netns list",
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                        .inNetns("bpfkeeper-no-such-netns")));
        assertRefused("netns", "\"/proc/1/ns/net\" is not a name under /run/netns",
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                        .inNetns("/proc/1/ns/net")));
        assertRefused("netns", "pid:PID takes a process id, a positive decimal number; got \"pid:0\"",
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns("pid:0")));
        assertRefused("netns", "\"path:/proc/1/ns/net\" is none of the forms of a network namespace",
                () -> client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                        .inNetns("path:/proc/1/ns/net")));
        assertNothingAttached();
    }

    @Test
    void programTypeThatDoesNotFitTheHook() {
        assertRefused("programId", "is a xdp program; hook tcx runs sched_cls programs",
                () -> client.attach(AttachRequest.onInterface(xdp.program().id(), Hook.TCX, network.deviceB())
                        .inNetns(network.netnsB()).withDirection(Direction.INGRESS)));
        assertRefused("programId", "is a sched_cls program; hook xdp runs xdp programs",
                () -> client.attach(AttachRequest.xdp(tc.program().id(), network.deviceB()).inNetns(network.netnsB())));
        assertRefused("programId", "is a sched_cls program; hook tracepoint runs tracepoint programs",
                () -> client.attach(AttachRequest.tracepoint(tc.program().id(), "syscalls", "sys_enter_getpid")));
        assertRefused("direction", "direction names the attach types of cgroup_skb programs only",
                () -> client.attach(AttachRequest.cgroup(tc.program().id(), "/sys/fs/cgroup")
                        .withDirection(Direction.EGRESS)));
        assertNothingAttached();
    }

    /**
     * A device runs one XDP program per mode, and a link cannot replace one that netlink attached:
     * the error names the program and says how to see and remove it.
     */
    @Test
    void xdpOnADeviceThatANetlinkProgramHolds() {
        network.inNetns(network.netnsB(), "bpftool", "net", "attach", "xdpgeneric", "id",
                Long.toString(xdp.program().id()), "dev", network.deviceB());
        Counters.Loaded second = Counters.load(client, LoadObjectRequest.of("second",
                BpfTestObjects.bytes("xdp_count")), "xdp_count");

        VarlinkCallException busy = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.attach(
                AttachRequest.xdp(second.program().id(), network.deviceB()).inNetns(network.netnsB())
                        .withMode(XdpMode.GENERIC)));

        assertThat(busy.parameters().get("errnoName").asText()).isEqualTo("EBUSY");
        assertThat(busy.getMessage()).contains("attach xdp link to " + network.deviceB() + " in netns "
                        + network.netnsB(),
                "runs XDP program " + xdp.program().id() + " (xdp_count) already",
                "attached through netlink",
                "ip -n " + network.netnsB() + " link show dev " + network.deviceB(),
                "ip -n " + network.netnsB() + " link set dev " + network.deviceB() + " xdpgeneric off");

        VarlinkCallException otherMode = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.attach(
                AttachRequest.xdp(second.program().id(), network.deviceB()).inNetns(network.netnsB())));
        assertThat(otherMode.parameters().get("errnoName").asText()).isEqualTo("EEXIST");
        assertThat(otherMode.getMessage()).contains("native and generic XDP cannot run on one device at once",
                "in generic mode", "xdpgeneric off");

        assertThat(client.list(Kind.LINK, null)).isEmpty();
        assertThat(network.netShow(network.netnsB()).get("xdp")).singleElement()
                .satisfies(held -> assertThat(held.get("id").asLong()).isEqualTo(xdp.program().id()));
    }

    @Test
    void cgroupPathThatIsNotCgroupV2() {
        Counters.Loaded cgroupProgram = Counters.load(client, LoadObjectRequest.of("cgroup_count",
                BpfTestObjects.bytes("cgroup_egress_count")), "cgroup_egress_count");

        assertRefused("cgroup", notACgroup + " is not in a cgroup v2 hierarchy, the only kind BPF attaches to;"
                        + " cgroup v2 is mounted at",
                () -> client.attach(AttachRequest.cgroup(cgroupProgram.program().id(), notACgroup.toString())
                        .withDirection(Direction.EGRESS)));
        try (TestCgroup cgroup = TestCgroup.create()) {
            assertRefused("cgroup", "no cgroup v2 directory " + cgroup.path().resolve("missing")
                    + " that you may use", () -> client.attach(AttachRequest.cgroup(cgroupProgram.program().id(),
                            cgroup.path().resolve("missing").toString()).withDirection(Direction.EGRESS)));
        }
        assertRefused("cgroup", "is not an absolute path",
                () -> client.attach(AttachRequest.cgroup(cgroupProgram.program().id(), "relative/cgroup")
                        .withDirection(Direction.EGRESS)));
        assertNothingAttached();
    }

    @Test
    void functionOrTracepointThatDoesNotExist() {
        Counters.Loaded kprobe = Counters.load(client, Counters.countingThisThread("kprobe", "getpgid_kprobe"),
                "getpgid_kprobe");
        Counters.Loaded tracepoint = Counters.load(client,
                Counters.countingThisThread("tracepoint", "getpid_tracepoint"), "getpid_tracepoint");

        assertRefused("function", "the kernel has no function bpfkeeper_no_such_function (it is not in /proc/kallsyms)",
                () -> client.attach(AttachRequest.onFunction(kprobe.program().id(), Hook.KPROBE,
                        "bpfkeeper_no_such_function")));
        assertRefused("name", "the kernel has no tracepoint syscalls/sys_enter_bpfkeeper",
                () -> client.attach(AttachRequest.tracepoint(tracepoint.program().id(), "syscalls",
                        "sys_enter_bpfkeeper")));
        assertRefused("category", "\"../..\" is not a tracepoint category",
                () -> client.attach(AttachRequest.tracepoint(tracepoint.program().id(), "../..", "id")));
        assertNothingAttached();
    }

    @Test
    void parametersThatTheHookDoesNotTakeOrLacks() {
        assertRefused("mode", "hook tcx does not take it",
                () -> client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TCX, network.deviceB())
                        .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withMode(XdpMode.NATIVE)));
        assertRefused("direction", "hook tc needs it",
                () -> client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                        .inNetns(network.netnsB())));
        assertRefused("lifetime", "cannot end with the session",
                () -> client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                        .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withLifetime(Lifetime.SESSION)));
        assertRefused("pin", "no fd of it to pin",
                () -> client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                        .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withPin("filter")));
        assertRefused("priority", "a tc priority is 1 to 65535",
                () -> client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                        .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withFilter(70000L, null)));
        assertNothingAttached();
    }

    /** A filter with the priority and handle of another is refused, and the first one stays. */
    @Test
    void tcFilterWhosePriorityAndHandleAreTaken() {
        AttachRequest request = AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                .inNetns(network.netnsB()).withDirection(Direction.INGRESS).withFilter(5L, 7L);
        client.attach(request);

        VarlinkCallException taken = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.attach(request));

        assertThat(taken.parameters().get("errnoName").asText()).isEqualTo("EEXIST");
        assertThat(taken.getMessage()).contains("has a filter with priority 5 and handle 7 already");
        assertThat(client.list(Kind.ATTACHMENT, null)).hasSize(1);
        assertThat(network.netShow(network.netnsB()).get("tc")).hasSize(1);
    }

    private static void assertRefused(String parameter, String message, ThrowingCallable call) {
        VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT, call);
        assertThat(refused.parameters().get("parameter").asText()).isEqualTo(parameter);
        assertThat(refused.getMessage()).contains(message);
    }

    private void assertNothingAttached() {
        assertThat(client.list(Kind.LINK, null)).isEmpty();
        assertThat(client.list(Kind.ATTACHMENT, null)).isEmpty();
        assertThat(network.netShow(network.netnsB()).get("xdp")).isEmpty();
        assertThat(network.netShow(network.netnsB()).get("tc")).isEmpty();
    }
}
