package io.bpfkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.packaging.support.Repository;
import io.bpfkeeper.packaging.support.SystemdContainer;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end under a real systemd: the built .deb installed in a container that boots this host's
 * systemd, the daemon socket-activated, restarted, killed and stopped by systemd itself. Slow (it
 * boots a system), so one scenario covers the whole story. Its bpffs is the container's own
 * instance, which vanishes with it, and its fd store dies with its systemd, so nothing outlives the
 * test. The link it makes is an XDP link on a veth device in a network namespace that it makes
 * inside the container, where no traffic goes.
 */
@KernelTest
class SystemdContainerTest {

    private static final String KEY = "00000000";
    private static final String VALUE = "2a00000000000000";
    private static final Duration RESTART_DEADLINE = Duration.ofMinutes(2);
    private static final int CRASH_RUNS = 5;
    private static final int MAPS_PER_CRASH = 40;
    /** {@code r0 = XDP_PASS; exit}. */
    private static final String XDP_PASS = "b700000002000000" + "9500000000000000";
    private static final String NETNS = "bpfkeeper-e2e";
    private static final String DEVICE = "e2e0";

    @Test
    void theInstalledServiceIsActivatedBySocketAndKeepsItsObjectsAcrossRestartAndSigkill() {
        Path deb = Repository.debianPackage();
        // basic.target: the host's own services (databases and such) need not start in the container.
        try (SystemdContainer container = SystemdContainer.boot(List.of(deb), "systemd.unit=basic.target")) {
            assertThat(container.output("stat", "-f", "-c", "%T", "/sys/fs/bpf"))
                    .as("nothing mounts bpffs in the container before bpfkeeper").isNotEqualTo("bpf_fs");

            container.output("dpkg", "--install", "/root/" + deb.getFileName());

            assertThat(container.output("getent", "group", "bpfkeeper")).startsWith("bpfkeeper:x:");
            assertThat(container.output("systemctl", "is-enabled", "bpfkeeper.socket")).isEqualTo("enabled");
            assertThat(container.output("systemctl", "is-active", "bpfkeeper.socket")).isEqualTo("active");
            assertThat(container.run("systemctl", "is-active", "bpfkeeper.service").stdout().strip())
                    .as("nothing has connected yet").isEqualTo("inactive");

            Path socket = container.path("/run/bpfkeeper/bpfkeeper.sock");
            // Before the daemon starts, so that its mount namespace has the namespace's name under /run/netns.
            container.output("ip", "netns", "add", NETNS);
            container.output("ip", "-n", NETNS, "link", "add", DEVICE, "type", "veth", "peer", "name", "e2e1");
            container.output("ip", "-n", NETNS, "link", "set", DEVICE, "up");
            int kept;
            int pinned;
            int session;
            Stored stored;
            try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                kept = (int) client.createMap(CreateMapRequest.of("e2e_kept", "array", 4, 8, 1)).id();
                client.mapUpdate(kept, KEY, VALUE, null);
                int secondMap = (int) client.createMap(CreateMapRequest.of("e2e_kept2", "hash", 4, 8, 16)).id();
                client.mapUpdate(secondMap, KEY, VALUE, null);
                int program = (int) client.loadProgram(LoadProgramRequest.of("e2e_xdp", "xdp", XDP_PASS, "GPL"))
                        .object().id();
                int link = (int) client.attach(AttachRequest.xdp(program, DEVICE).inNetns(NETNS)).id();
                stored = new Stored(secondMap, program, link);
                pinned = (int) client.createMap(CreateMapRequest.of("e2e_pinned", "array", 4, 8, 1)
                        .withPin("e2e/pinned")).id();
                client.mapUpdate(pinned, KEY, VALUE, null);
                session = (int) client.createMap(CreateMapRequest.of("e2e_session", "array", 4, 8, 1)
                        .withLifetime(Lifetime.SESSION)).id();

                assertThat(container.property("bpfkeeper.service", "ActiveState"))
                        .as("the first call activated the service").isEqualTo("active");
                assertBpffsCameFirst(container);
                assertAuditedToTheJournal(container, kept);

                String firstPid = container.property("bpfkeeper.service", "MainPID");
                container.output("systemctl", "restart", "bpfkeeper.service");
                assertThat(container.property("bpfkeeper.service", "MainPID")).isNotEqualTo(firstPid);
            }
            Eventually.until(RESTART_DEADLINE, () -> !KernelIds.exists(ObjectKind.MAP, session),
                    "the session map " + session + " freed by the restart");
            assertKeeps(socket, kept, pinned, stored, container);

            String secondPid = container.property("bpfkeeper.service", "MainPID");
            container.output("systemctl", "kill", "--signal=SIGKILL", "bpfkeeper.service");
            Eventually.until(RESTART_DEADLINE, () -> !container.property("bpfkeeper.service", "MainPID")
                    .equals(secondPid) && container.property("bpfkeeper.service", "ActiveState").equals("active"),
                    "systemd restarting bpfkeeper after SIGKILL");

            assertKeeps(socket, kept, pinned, stored, container);
            // One restart, the one SIGKILL caused: the watchdog never fired.
            assertThat(container.property("bpfkeeper.service", "NRestarts")).isEqualTo("1");
            assertThat(container.output("journalctl", "--unit=bpfkeeper.service", "--no-pager"))
                    .contains("recovered map " + kept + " (e2e_kept) from systemd's fd store")
                    .contains("recovered map " + pinned + " (e2e_pinned) from its pin /sys/fs/bpf/e2e/pinned")
                    .contains("recovered map " + stored.secondMap() + " (e2e_kept2) from systemd's fd store")
                    .contains("recovered program " + stored.program() + " (e2e_xdp) from systemd's fd store")
                    .contains("recovered link " + stored.link() + " (e2e_xdp) from systemd's fd store")
                    .doesNotContain("pins are unavailable");

            container.output("systemctl", "stop", "bpfkeeper.service");
            assertThat(container.property("bpfkeeper.service", "Result")).as("SIGTERM is a clean stop")
                    .isEqualTo("success");
            Eventually.until(RESTART_DEADLINE, () -> !KernelIds.exists(ObjectKind.MAP, kept)
                    && !KernelIds.exists(ObjectKind.LINK, stored.link()),
                    "the unpinned map " + kept + " and link " + stored.link() + " freed: a stop empties the fd store");
            assertThat(xdpOnTheDevice(container)).as("the link's program left the device").isEmpty();
            try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                List<BpfObject> objects = client.list(null, null);
                assertThat(objects).extracting(BpfObject::id).containsExactlyInAnyOrder((long) pinned, (long) kept,
                        (long) stored.secondMap(), (long) stored.program(), (long) stored.link());
                assertThat(objects).allSatisfy(object -> {
                    if (object.id() == pinned && object.kind() == Kind.MAP) {
                        assertThat(object.lost()).isNull();
                    } else {
                        assertThat(object.lost()).startsWith("systemd's fd store did not hand it back");
                    }
                });
            }
            container.output("ip", "netns", "delete", NETNS);
        }
    }

    /**
     * Under the journal, audit records arrive as structured fields, which journalctl matches, and
     * once: not on stderr as well.
     */
    private static void assertAuditedToTheJournal(SystemdContainer container, int created) {
        String audited = "created map " + created + " (e2e_kept)";
        Eventually.until(Duration.ofSeconds(30), () -> container.output("journalctl", "--no-pager", "-o", "cat",
                "BPFKEEPER_CALLER_UID=0", "BPFKEEPER_METHOD=io.bpfkeeper.CreateMap",
                "BPFKEEPER_OBJECT=map " + created, "BPFKEEPER_RESULT=ok").contains(audited),
                "the journal's audit record of map " + created);
        assertThat(container.output("journalctl", "--no-pager", "-o", "cat", "--unit=bpfkeeper.service").lines()
                .filter(line -> line.contains(audited))).hasSize(1);
    }

    /**
     * The crash of issue 17 under a real systemd: 40 CreateMaps on one connection, then SIGKILL of the
     * daemon's main process from the host right after the last reply, five times. systemd restarts it,
     * and every acknowledged map comes back with its id, recorded and owned by its creator; the
     * kernel still holds each one.
     */
    @Test
    void sigkillRightAfterTheLastReplyLosesNoAcknowledgedMapInFiveRunsOutOfFive() {
        Path deb = Repository.debianPackage();
        try (SystemdContainer container = SystemdContainer.boot(List.of(deb), "systemd.unit=basic.target")) {
            container.output("dpkg", "--install", "/root/" + deb.getFileName());
            Path socket = container.path("/run/bpfkeeper/bpfkeeper.sock");
            List<Long> acknowledged = new ArrayList<>();
            for (int run = 1; run <= CRASH_RUNS; run++) {
                try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                    // The first call of the first run starts the service.
                    acknowledged.add(client.createMap(crashMap(run, 0)).id());
                    String mainPid = container.property("bpfkeeper.service", "MainPID");
                    ProcessHandle daemon = ProcessHandle.of(container.hostPid(Long.parseLong(mainPid))).orElseThrow();
                    for (int call = 1; call < MAPS_PER_CRASH; call++) {
                        acknowledged.add(client.createMap(crashMap(run, call)).id());
                    }
                    daemon.destroyForcibly();
                    Eventually.until(RESTART_DEADLINE, () -> !container.property("bpfkeeper.service", "MainPID")
                            .equals(mainPid) && container.property("bpfkeeper.service", "ActiveState")
                            .equals("active"), "systemd restarting bpfkeeper after SIGKILL");
                }
                // Five crashes in a row must not hit the unit's start limit.
                container.output("systemctl", "reset-failed", "bpfkeeper.service");

                assertThat(acknowledged).as("run %d: the kernel holds every acknowledged map", run)
                        .allMatch(id -> KernelIds.exists(ObjectKind.MAP, id.intValue()));
                try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                    List<BpfObject> maps = client.list(Kind.MAP, null);
                    assertThat(maps).as("run %d", run).extracting(BpfObject::id)
                            .containsExactlyInAnyOrderElementsOf(acknowledged);
                    assertThat(maps).as("run %d: recorded, not lost nor kept without a record", run)
                            .allSatisfy(map -> {
                                assertThat(map.lost()).isNull();
                                assertThat(map.unrecorded()).isNull();
                            });
                }
            }
        }
    }

    private static CreateMapRequest crashMap(int run, int call) {
        return CreateMapRequest.of("crash" + run + "_" + call, "array", 4, 8, 1);
    }

    /** bpffs is mounted, and its unit became active before the daemon's process started. */
    private static void assertBpffsCameFirst(SystemdContainer container) {
        assertThat(container.output("stat", "-f", "-c", "%T", "/sys/fs/bpf")).isEqualTo("bpf_fs");
        long mounted = Long.parseLong(container.property("bpfkeeper-bpffs.service", "ActiveEnterTimestampMonotonic"));
        long started = Long.parseLong(container.property("bpfkeeper.service", "ExecMainStartTimestampMonotonic"));
        assertThat(mounted).isPositive().isLessThan(started);
    }

    /** The ids of the programs that bpftool shows on XDP hooks in the test's namespace in the container. */
    private static List<Integer> xdpOnTheDevice(SystemdContainer container) {
        String shown = container.output("ip", "netns", "exec", NETNS, "bpftool", "-j", "net", "show");
        try {
            List<Integer> ids = new ArrayList<>();
            new ObjectMapper().readTree(shown).get(0).path("xdp").forEach(attached -> ids.add(attached.get("id").asInt()));
            return ids;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bpftool printed something other than JSON: " + shown, e);
        }
    }

    /** The four unpinned daemon-lifetime objects, which only systemd's fd store keeps across a restart. */
    private record Stored(int secondMap, int program, int link) {
    }

    /**
     * Every daemon-lifetime object is owned again, with the same kernel ids: the maps with the value
     * written before, the program still on the cgroup through the same link; and systemd's own count
     * says its store holds exactly the four unpinned ones.
     */
    private static void assertKeeps(Path socket, int kept, int pinned, Stored stored, SystemdContainer container) {
        assertThat(container.property("bpfkeeper.service", "NFileDescriptorStore")).isEqualTo("4");
        assertThat(KernelIds.exists(ObjectKind.PROGRAM, stored.program())).isTrue();
        assertThat(KernelIds.exists(ObjectKind.LINK, stored.link())).isTrue();
        assertThat(Bpftool.linkShow(stored.link()).get("prog_id").asInt()).isEqualTo(stored.program());
        assertThat(xdpOnTheDevice(container)).as("bpftool net show in the container's namespace")
                .containsExactly(stored.program());
        try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
            assertThat(client.list(null, null)).extracting(BpfObject::kind, BpfObject::id).containsExactlyInAnyOrder(
                    tuple(Kind.MAP, (long) kept), tuple(Kind.MAP, (long) pinned),
                    tuple(Kind.MAP, (long) stored.secondMap()), tuple(Kind.PROGRAM, (long) stored.program()),
                    tuple(Kind.LINK, (long) stored.link()));
            assertThat(client.list(null, null)).allSatisfy(object -> {
                assertThat(object.lost()).isNull();
                assertThat(object.notInFdStore()).isNull();
            });
            assertThat(client.get(Kind.MAP, pinned).pins()).containsExactly("/sys/fs/bpf/e2e/pinned");
            for (int id : new int[] {kept, pinned, stored.secondMap()}) {
                assertThat(client.mapLookup(id, KEY).orElseThrow().value()).isEqualTo(VALUE);
                assertThat(HexFormat.of().formatHex(Bpftool.mapLookup(id, new byte[4]))).isEqualTo(VALUE);
            }
        }
    }
}
