package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestCgroup;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.daemon.testing.UserNetns;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a member of the socket's group can name as a network namespace or a cgroup, tried as one:
 * a real user of its own, whose calls the daemon knows by SO_PEERCRED. The kernel judges each: what
 * bpftool shows attached in the test's namespaces and cgroups, and whether the daemon still answers.
 */
@KernelTest
class NamespaceAndCgroupTrustTest extends DaemonWithAttacker {

    private static final Duration QUICKLY = Duration.ofSeconds(5);
    private static final Path NAMED = Path.of("/run/netns");

    private final List<Path> made = new ArrayList<>();
    private TestNetwork network;
    private Counters.Loaded xdp;
    private Counters.Loaded cgroupProgram;

    /**
     * The attacker is granted every named namespace and every cgroup path, so that what refuses it
     * here is the daemon's checked open of what it names, not the policy before it.
     */
    @Override
    protected TestDaemon startDaemon() {
        return TestDaemon.startGranting(bpffs.path(), policyDir, attacker,
                "netns: {owned: true, named: [\"*\"]}", "cgroups: {delegated: true, paths: [\"/**\"]}");
    }

    @BeforeEach
    void start() throws Exception {
        network = TestNetwork.create();
        xdp = Counters.load(client, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")), "xdp_count");
    }

    @AfterEach
    void stop() throws IOException {
        network.close();
        for (Path path : made) {
            Files.deleteIfExists(path);
        }
    }

    /**
     * A FIFO once blocked a worker for good when named as a namespace. Eight at once, named by path
     * and as a name under /run/netns, now each get an error at once, root's List still answers
     * within a second, and Explain, which looks in every namespace named there, answers too.
     */
    @Test
    void fifosNamedAsANamespaceFailAtOnceAndTheDaemonKeepsAnswering() throws Exception {
        Path fifo = made(Path.of("/tmp", "bpfkt-fifo-" + ProcessHandle.current().pid()));
        Path namedFifo = made(NAMED.resolve("bpfkt-fifo-" + ProcessHandle.current().pid()));
        Files.createDirectories(NAMED);
        Processes.run(QUICKLY, "mkfifo", "-m", "0666", fifo.toString()).requireSuccess();
        Processes.run(QUICKLY, "mkfifo", "-m", "0666", namedFifo.toString()).requireSuccess();
        List<BpfkeeperClient> attackers = new ArrayList<>();
        ExecutorService calls = Executors.newFixedThreadPool(8);
        try {
            List<Future<VarlinkCallException>> refusals = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                BpfkeeperClient each = attacker.client(daemon.socket());
                attackers.add(each);
                String netns = i % 2 == 0 ? fifo.toString() : namedFifo.getFileName().toString();
                refusals.add(calls.submit(() -> expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                        () -> each.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(netns)))));
            }
            for (Future<VarlinkCallException> refusal : refusals) {
                assertThat(refusal.get(QUICKLY.toSeconds(), TimeUnit.SECONDS).parameters().get("parameter").asText())
                        .isEqualTo("netns");
            }

            long before = System.nanoTime();
            root.list(Kind.PROGRAM, null);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(1));
            // Explain looks in every namespace named under /run/netns, and passes over the FIFO there.
            Future<?> explained = calls.submit(() -> root.explain(Kind.PROGRAM, xdp.program().id()));
            explained.get(QUICKLY.toSeconds(), TimeUnit.SECONDS);
            // Every worker is free: as many attaches as there are workers, and more, get answers.
            for (BpfkeeperClient each : attackers) {
                expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> each.attach(
                        AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(fifo.toString())));
            }
        } finally {
            calls.shutdownNow();
            attackers.forEach(BpfkeeperClient::close);
        }
        assertNothingAttachedIn(network.netnsB());
    }

    /**
     * Whether a name, path or process the attacker may not use exists does not show: the errors for
     * a missing one and for a root-only one are the same but for the name.
     */
    @Test
    void errorsDoNotTellWhetherWhatWasNamedExists() throws Exception {
        String pid = Long.toString(ProcessHandle.current().pid());
        Path secret = made(NAMED.resolve("bpfkt-secret-" + pid));
        Files.createDirectories(NAMED);
        Files.writeString(secret, "root only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path rootOnlyFile = made(Path.of("/root", "bpfkt-secret-" + pid));
        Files.writeString(rootOnlyFile, "root only");
        Files.setPosixFilePermissions(rootOnlyFile, PosixFilePermissions.fromString("rw-------"));

        assertSameRefusal("netns", secret.getFileName().toString(), "bpfkt-missing-" + pid);
        assertSameRefusal("netns", rootOnlyFile.toString(), "/root/bpfkt-missing-" + pid);
        assertSameRefusal("netns", "pid:1", "pid:999999999");
        cgroupProgram = Counters.load(client, LoadObjectRequest.of("cgroup_count",
                BpfTestObjects.bytes("cgroup_egress_count")), "cgroup_egress_count");
        try (TestCgroup cgroup = TestCgroup.create()) {
            assertSameRefusal("cgroup", cgroup.path().resolve("cgroup.procs").toString(),
                    cgroup.path().resolve("missing").toString());
        }
        assertNothingAttachedIn(network.netnsB());
    }

    /** Paths, "..", and a symlink under /run/netns to a namespace are none of the forms, or not followed. */
    @Test
    void namespacePathsDotDotAndSymlinksAreRefused() throws Exception {
        Path link = made(NAMED.resolve("bpfkt-link-" + ProcessHandle.current().pid()));
        Files.createSymbolicLink(link, NAMED.resolve(network.netnsB()));

        for (String netns : List.of("/run/netns/" + network.netnsB(), "../netns/" + network.netnsB(), "..", ".",
                link.getFileName().toString(), "/proc/1/ns/net", "", "a\nb")) {
            VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.attach(
                    AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(netns)));
            assertThat(refused.parameters().get("parameter").asText()).isEqualTo("netns");
        }
        assertNothingAttachedIn(network.netnsB());
    }

    /** pid:PID of root's process in the test's namespace is refused; root may name it. */
    @Test
    void aProcessOfRootIsNotTheAttackers() throws Exception {
        Process inNetnsB = new ProcessBuilder("ip", "netns", "exec", network.netnsB(), "sleep", "600").start();
        try {
            awaitOwnNamespace(inNetnsB.pid());
            String netns = "pid:" + inNetnsB.pid();

            // The policy refuses it first: a namespace the attacker cannot open is none it owns.
            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.attach(
                    AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(netns)));

            assertThat(refused.getMessage()).contains("network namespace " + netns + ", which it does not own");
            assertNothingAttachedIn(network.netnsB());
        } finally {
            inNetnsB.destroy();
            inNetnsB.waitFor();
        }
    }

    /**
     * The attacker's own process, in a network namespace of a user namespace it made itself: pid:PID
     * names it, and the program is attached there, as bpftool in that namespace shows.
     */
    @Test
    void aProcessOfTheAttackersOwnNamesItsNamespace() throws Exception {
        try (UserNetns netns = UserNetns.of(attacker)) {
            long sleeper = netns.pid();

            BpfObject link = client.attach(AttachRequest.xdp(xdp.program().id(), "lo").inNetns("pid:" + sleeper));

            assertThat(link.link().target().netns()).isEqualTo("pid:" + sleeper);
            JsonNode attached = Bpftool.jsonInNetnsOf(sleeper, "net", "show").get(0).get("xdp");
            assertThat(attached).singleElement().satisfies(xdpOnLo -> {
                assertThat(xdpOnLo.get("devname").asText()).isEqualTo("lo");
                assertThat(xdpOnLo.get("id").asLong()).isEqualTo(xdp.program().id());
            });
            client.release(Kind.LINK, link.id());
        }
    }

    /**
     * A cgroup path that leaves its cgroup, by ".." or through a symlink (on a tmpfs mounted inside
     * the cgroup, since cgroupfs has none), is refused, and nothing is attached to that cgroup.
     */
    @Test
    void cgroupPathsThatLeaveTheCgroupAreRefused() throws Exception {
        cgroupProgram = Counters.load(client, LoadObjectRequest.of("cgroup_count",
                BpfTestObjects.bytes("cgroup_egress_count")), "cgroup_egress_count");
        try (TestCgroup cgroup = TestCgroup.create()) {
            Path mountPoint = Files.createDirectory(cgroup.path().resolve("tmpfs"));
            Processes.run(QUICKLY, "mount", "-t", "tmpfs", "tmpfs", mountPoint.toString()).requireSuccess();
            try {
                Path escape = Files.createSymbolicLink(mountPoint.resolve("escape"), cgroup.path());
                Path relativeEscape = Files.createSymbolicLink(mountPoint.resolve("up"), Path.of(".."));

                assertCgroupRefused(escape.toString(), "no cgroup v2 directory " + escape
                        + " that you may use");
                assertCgroupRefused(relativeEscape.toString(), "that you may use");
                assertCgroupRefused(mountPoint + "/..", "has a . or .. in it");
                assertCgroupRefused("/tmp", "is not in a cgroup v2 hierarchy");

                assertThat(Bpftool.cgroupShow(cgroup.path())).isEmpty();
            } finally {
                Processes.run(QUICKLY, "umount", mountPoint.toString()).requireSuccess();
                Files.delete(mountPoint);
            }
        }
    }

    private void assertCgroupRefused(String cgroup, String message) {
        assertThat(refusal("cgroup", cgroup, () -> attach("cgroup", cgroup))).contains(message);
    }

    /** The attacker's errors for {@code used} and {@code missing} differ only in the name it gave. */
    private void assertSameRefusal(String parameter, String used, String missing) {
        String forUsed = refusal(parameter, used, () -> attach(parameter, used));
        String forMissing = refusal(parameter, missing, () -> attach(parameter, missing));
        assertThat(forUsed.replace(used, "NAME")).isEqualTo(forMissing.replace(missing, "NAME"));
    }

    /** The refusal of {@code call}: by the checked open (InvalidArgument), or by the policy before it. */
    private String refusal(String parameter, String named, ThrowingCallable call) {
        VarlinkCallException refused = catchThrowableOfType(VarlinkCallException.class, call);
        assertThat(refused).as(named + " refused").isNotNull();
        assertThat(refused.error()).as(named).isIn(BpfkeeperInterface.INVALID_ARGUMENT,
                BpfkeeperInterface.PERMISSION_DENIED);
        if (refused.error().equals(BpfkeeperInterface.INVALID_ARGUMENT)) {
            assertThat(refused.parameters().get("parameter").asText()).as(named).isEqualTo(parameter);
        }
        return refused.error() + ": " + refused.getMessage();
    }

    private void attach(String parameter, String value) {
        if (parameter.equals("netns")) {
            client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB()).inNetns(value));
        } else {
            client.attach(AttachRequest.cgroup(cgroupProgram.program().id(), value).withDirection(Direction.EGRESS));
        }
    }

    private Path made(Path path) {
        made.add(path);
        return path;
    }

    private void assertNothingAttachedIn(String netns) {
        assertThat(root.list(Kind.LINK, null)).isEmpty();
        assertThat(network.netShow(netns).get("xdp")).isEmpty();
    }

    /** Waits until process {@code pid} is in a network namespace other than the test's own. */
    private static void awaitOwnNamespace(long pid) throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        Eventually.until(QUICKLY, () -> {
            try {
                return !Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).equals(own);
            } catch (IOException e) {
                return false;
            }
        }, "process " + pid + " has left the test's network namespace");
    }
}
