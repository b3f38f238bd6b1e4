package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.OpenAt;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.daemon.testing.UserNetns;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network namespace passed as an fd (netnsFd), by a real user of its own with the default
 * policy: the user could open the fd, but only a namespace of its own user namespace is its to
 * attach in. The kernel judges: bpftool in that namespace, and the links that exist.
 */
@KernelTest
class NetnsFdTest {

    /** r0 = 2 (XDP_PASS); exit. */
    private static final String XDP_PASS = "b700000002000000" + "9500000000000000";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @TempDir
    Path policyDir;

    @TempDir
    Path scratch;

    private TestUser user;
    private TestDaemon daemon;
    private BpfkeeperClient root;
    private VarlinkClient attacker;
    private long programId;

    @BeforeEach
    void start() throws Exception {
        user = TestUser.create();
        daemon = TestDaemon.startWithPolicy(bpffs.path(), policyDir);
        daemon.admit(user);
        root = daemon.client();
        BpfkeeperClient loader = user.client(daemon.socket());
        programId = loader.loadProgram(LoadProgramRequest.of("netnsfd_xdp", "xdp", XDP_PASS, "GPL")).object().id();
        // Load the client's classes while still root: the jars may be unreadable to the user.
        VarlinkClient.connectPassingFds(daemon.socket()).close();
        attacker = user.run(() -> VarlinkClient.connectPassingFds(daemon.socket()));
    }

    @AfterEach
    void stop() {
        attacker.close();
        root.close();
        daemon.close();
        user.close();
    }

    /**
     * The user's own namespace, opened by the user and passed: the program is attached to lo there,
     * as bpftool in that namespace shows, the link says net:[INODE], and the daemon keeps no fd of
     * the namespace afterwards, since the link holds it.
     */
    @Test
    void aNamespaceOfTheUsersOwnIsAttachedIn() throws Exception {
        try (UserNetns netns = UserNetns.of(user); Fd passed = openAsUser(netns.path(), OpenAt.O_RDONLY)) {
            JsonNode link = attach(passed, Map.of()).get("object");

            assertThat(link.get("link").get("target").get("netns").asText()).isEqualTo(netns.name());
            JsonNode attached = Bpftool.jsonInNetnsOf(netns.pid(), "net", "show").get(0).get("xdp");
            assertThat(attached).singleElement().satisfies(xdpOnLo -> {
                assertThat(xdpOnLo.get("devname").asText()).isEqualTo("lo");
                assertThat(xdpOnLo.get("id").asLong()).isEqualTo(programId);
            });
            assertThat(Bpftool.linkShow(link.get("id").asInt()).get("prog_id").asLong()).isEqualTo(programId);
            passed.close();
            assertThat(fdsOnNamespace(netns.name())).as("fds of the namespace in the daemon's process").isZero();
        }
    }

    /**
     * The journal records such a namespace as net:[INODE], which a restart reads back: a pinned link
     * comes back with its place, though the daemon cannot enter the namespace again by that name.
     */
    @Test
    void aLinkInANamespaceThatCameAsAnFdComesBackAfterARestart() throws Exception {
        try (UserNetns netns = UserNetns.of(user); Fd passed = openAsUser(netns.path(), OpenAt.O_RDONLY)) {
            long linkId = attach(passed, Map.of("pin", "users/" + user.uid() + "/netnsfd_link")).get("object")
                    .get("id").asLong();
            daemon.stop();

            try (TestDaemon successor = TestDaemon.startIn(daemon.directory(), bpffs.path(), List.of());
                    BpfkeeperClient successorRoot = successor.client()) {
                BpfObject link = successorRoot.get(Kind.LINK, linkId);

                assertThat(link.link().target().netns()).isEqualTo(netns.name());
                assertThat(link.link().programId()).isEqualTo(programId);
            }
            assertThat(Bpftool.jsonInNetnsOf(netns.pid(), "net", "show").get(0).get("xdp")).hasSize(1);
        }
    }

    /**
     * The host's namespace: the user can open its own /proc/self/ns/net, but that namespace belongs
     * to the initial user namespace, uid 0's. Refused by the policy, and nothing is attached.
     */
    @Test
    void theHostsNamespaceIsNotTheUsersAndIsRefused() throws Exception {
        try (Fd host = openAsUser("/proc/thread-self/ns/net", OpenAt.O_RDONLY)) {
            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> attach(host, Map.of()));

            assertThat(refused.getMessage()).contains("which it does not own");
            assertThat(linksOfProgram()).isZero();
        }
    }

    /**
     * What is no network namespace gets InvalidArgument naming netnsFd and saying what it is, at
     * once: a FIFO (which, opened by path, once blocked a worker for good), a regular file, a device
     * and a mount namespace. Root's calls are answered within a second meanwhile.
     */
    @Test
    void whatIsNoNetworkNamespaceIsAnInvalidArgumentAndBlocksNothing() throws Exception {
        // Where the user can reach them.
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path fifo = scratch.resolve("fifo");
        Processes.run(Duration.ofSeconds(5), "mkfifo", "-m", "0666", fifo.toString()).requireSuccess();
        Path file = Files.writeString(scratch.resolve("file"), "not a namespace");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> notNetworkNamespaces = Map.of(fifo.toString(), fifo.toString(), file.toString(),
                file.toString(), "/dev/null", "/dev/null", "/proc/thread-self/ns/mnt", "mnt:[");
        for (Map.Entry<String, String> each : notNetworkNamespaces.entrySet()) {
            try (Fd fd = openAsUser(each.getKey(), OpenAt.O_RDONLY)) {
                long before = System.nanoTime();
                VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                        () -> attach(fd, Map.of()));

                assertThat(refused.parameters().get("parameter").asText()).as(each.getKey()).isEqualTo("netnsFd");
                assertThat(refused.getMessage()).as(each.getKey()).contains("the fd given is \"" + each.getValue());
                root.list(Kind.PROGRAM, null);
                assertThat(Duration.ofNanos(System.nanoTime() - before)).as(each.getKey())
                        .isLessThan(Duration.ofSeconds(1));
            }
        }
        assertThat(linksOfProgram()).isZero();
    }

    @Test
    void netnsAndNetnsFdTogetherAreAnInvalidArgument() throws Exception {
        try (UserNetns netns = UserNetns.of(user); Fd passed = openAsUser(netns.path(), OpenAt.O_RDONLY)) {
            VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                    () -> attach(passed, Map.of("netns", "pid:" + netns.pid())));

            assertThat(refused.getMessage()).contains("not both");
            assertThat(linksOfProgram()).isZero();
        }
    }

    /** A tc filter outlives the fd, and a restart of the daemon: tc takes a name under /run/netns instead. */
    @Test
    void tcRefusesANamespaceFdAndSaysWhatToUse() throws Exception {
        try (UserNetns netns = UserNetns.of(user); Fd passed = openAsUser(netns.path(), OpenAt.O_RDONLY)) {
            VarlinkCallException refused = expectError(BpfkeeperInterface.INVALID_ARGUMENT,
                    () -> attach(passed, Map.of("hook", "tc", "direction", "ingress")));

            assertThat(refused.parameters().get("parameter").asText()).isEqualTo("netnsFd");
            assertThat(refused.getMessage()).contains("/run/netns");
            assertThat(Bpftool.jsonInNetnsOf(netns.pid(), "net", "show").get(0).get("tc")).isEmpty();
        }
    }

    /** Attach of the user's program to lo, hook xdp unless {@code more} says otherwise, with the fd as netnsFd. */
    private JsonNode attach(Fd netns, Map<String, Object> more) {
        Map<String, Object> parameters = new HashMap<>(Map.of("programId", programId, "hook", "xdp",
                "interface", "lo", "netnsFd", 0));
        parameters.putAll(more);
        return attacker.call(BpfkeeperInterface.ATTACH, parameters, new int[] {FdNumbers.of(netns)}).parameters();
    }

    private Fd openAsUser(String path, int flags) throws Exception {
        return user.run(() -> OpenAt.path(path, flags | OpenAt.O_NONBLOCK | OpenAt.O_CLOEXEC));
    }

    private long linksOfProgram() {
        return StreamSupport.stream(Bpftool.json("link", "show").spliterator(), false)
                .filter(link -> link.path("prog_id").asLong() == programId).count();
    }

    /** How many fds of this process point at the namespace named {@code name}. */
    private static long fdsOnNamespace(String name) throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(name);
                } catch (Exception gone) {
                    return false;
                }
            }).count();
        }
    }
}
