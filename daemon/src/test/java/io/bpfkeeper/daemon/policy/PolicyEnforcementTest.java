package io.bpfkeeper.daemon.policy;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestCgroup;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.daemon.testing.UserNetns;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Policy;
import io.bpfkeeper.protocol.types.SystemObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The policy, enforced against a real user that the test creates and admits to the socket's group,
 * each refusal judged by the kernel: the program, link or attachment is not there.
 */
@KernelTest
class PolicyEnforcementTest extends DaemonWithAttacker {

    /** r0 = 0; exit. */
    private static final String RETURN_ZERO = "b700000000000000" + "9500000000000000";
    /** r0 = 2 (XDP_PASS); exit. */
    private static final String XDP_PASS = "b700000002000000" + "9500000000000000";
    /** r0 = 1 (pass); exit. */
    private static final String CGROUP_PASS = "b700000001000000" + "9500000000000000";
    /** r0 = r1; exit: returns the context pointer, which only a loader with CAP_PERFMON may leak. */
    private static final String POINTER_LEAK = "bf10000000000000" + "9500000000000000";

    /** The test's policy is what it writes in {@link #policyDir}, and reloads. */
    @Override
    protected TestDaemon startDaemon() {
        return TestDaemon.startWithPolicy(bpffs.path(), policyDir);
    }

    @Test
    void tracepointProgramsNeedAGrantOrRoot() throws Exception {
        LoadProgramRequest tracepoint = LoadProgramRequest.of("pol_tp", "tracepoint", RETURN_ZERO, "GPL");

        VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.loadProgram(tracepoint));

        assertThat(refused.parameters().get("refusedBy").asText()).isEqualTo("the default policy");
        assertThat(refused.parameters().get("grant").asText()).isEqualTo("programTypes: [tracepoint]");
        assertThat(refused.getMessage()).contains("may not load tracepoint programs");
        assertThat(programsNamed("pol_tp")).isEmpty();
        assertThat(daemon.scrape()).contains("bpfkeeper_refused_total{reason=\"programTypes\"} 1.0");

        BpfObject asRoot = root.loadProgram(tracepoint).object();
        BpfObject rootLink = root.attach(AttachRequest.tracepoint(asRoot.id(), "syscalls", "sys_enter_getppid"));
        assertThat(Bpftool.linkShow((int) rootLink.id()).get("prog_id").asLong()).isEqualTo(asRoot.id());

        grant("""
                rules:
                  - name: tracers
                    match: {user: "%s"}
                    programTypes: [default, tracepoint]
                    hooks: [default, tracepoint]
                """.formatted(attacker.name()));
        Policy effective = client.getPolicy();
        assertThat(effective.programTypes()).contains("tracepoint", "xdp");
        assertThat(effective.sources().get("programTypes")).isEqualTo("rule \"tracers\" of 10-test.yaml");
        assertThat(effective.pinPrefix()).isEqualTo("users/" + attacker.uid() + "/");
        assertThat(root.getPolicy().adoptForeign()).isTrue();
        BpfObject granted = client.loadProgram(tracepoint).object();
        BpfObject link = client.attach(AttachRequest.tracepoint(granted.id(), "syscalls", "sys_enter_getppid"));
        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(granted.id());
    }

    @Test
    void anElfObjectIsAdmittedByItsProgramTypesAndLoadsUnprivileged() {
        VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.loadObject(LoadObjectRequest.of("pol_elf_tp",
                        BpfTestObjects.bytes("getpid_tracepoint"))));

        assertThat(refused.parameters().get("grant").asText()).isEqualTo("programTypes: [tracepoint]");
        assertThat(client.list(null, null)).isEmpty();

        LoadedObject xdp = client.loadObject(LoadObjectRequest.of("pol_elf_xdp", BpfTestObjects.bytes("xdp_count")));
        assertThat(xdp.objects()).allMatch(object -> KernelIds.exists(
                object.kind() == Kind.MAP ? ObjectKind.MAP : ObjectKind.PROGRAM, (int) object.id()));
    }

    @Test
    void aGrantedProgramTypeStillNeedsItsHook() throws Exception {
        grant("""
                rules:
                  - match: {user: "%s"}
                    programTypes: [default, tracepoint]
                """.formatted(attacker.name()));
        BpfObject program = client.loadProgram(LoadProgramRequest.of("pol_tp", "tracepoint", RETURN_ZERO, "GPL"))
                .object();

        VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.attach(AttachRequest.tracepoint(program.id(), "syscalls", "sys_enter_getppid")));

        assertThat(refused.parameters().get("grant").asText()).isEqualTo("hooks: [tracepoint]");
        assertThat(linksOfProgram(program.id())).isEmpty();
    }

    @Test
    void theVerifierJudgesADefaultCallersProgramAsAnUnprivilegedLoaders() {
        LoadProgramRequest leak = LoadProgramRequest.of("pol_leak", "socket_filter", POINTER_LEAK, "GPL");

        VarlinkCallException rejected = expectError(BpfkeeperInterface.PROGRAM_REJECTED,
                () -> client.loadProgram(leak));

        assertThat(rejected.parameters().get("log").asText()).contains("R0 leaks addr as return value");
        assertThat(programsNamed("pol_leak")).isEmpty();
        // The worker thread got its capabilities back: root's load of the same program succeeds.
        BpfObject asRoot = root.loadProgram(leak).object();
        assertThat(Bpftool.progShow((int) asRoot.id()).get("name").asText()).isEqualTo("pol_leak");
        // And a harmless program of the same caller loads.
        client.loadProgram(LoadProgramRequest.of("pol_ok", "socket_filter", RETURN_ZERO, "GPL"));
    }

    @Test
    void aFullVerifierGrantLoadsWithTheDaemonsCapabilities() throws Exception {
        grant("""
                rules:
                  - match: {user: "%s"}
                    fullVerifier: true
                """.formatted(attacker.name()));

        BpfObject leak = client.loadProgram(LoadProgramRequest.of("pol_leak", "socket_filter", POINTER_LEAK, "GPL"))
                .object();

        assertThat(Bpftool.progShow((int) leak.id()).get("name").asText()).isEqualTo("pol_leak");
    }

    @Test
    void xdpInANamespaceThatRootMadeIsRefusedAndAllowedByName() throws Exception {
        try (TestNetwork network = TestNetwork.create()) {
            BpfObject program = client.loadProgram(LoadProgramRequest.of("pol_xdp", "xdp", XDP_PASS, "GPL"))
                    .object();
            AttachRequest attach = AttachRequest.xdp(program.id(), network.deviceA()).inNetns(network.netnsA());

            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> client.attach(attach));

            assertThat(refused.getMessage()).contains("network namespace " + network.netnsA(), "does not own");
            assertThat(refused.parameters().get("grant").asText())
                    .isEqualTo("netns: {named: [" + network.netnsA() + "]}");
            assertThat(network.inNetns(network.netnsA(), "ip", "link", "show", network.deviceA())).doesNotContain("xdp");

            grant("""
                    rules:
                      - match: {user: "%s"}
                        netns: {named: ["%s"]}
                    """.formatted(attacker.name(), network.netnsA()));
            client.attach(attach);
            assertThat(network.inNetns(network.netnsA(), "ip", "link", "show", network.deviceA())).contains("xdp");
        }
    }

    @Test
    void xdpInANamespaceThatTheCallerOwnsIsAllowed() throws Exception {
        // The user's own user namespace with a network namespace in it, as `unshare -Urn` makes them.
        try (UserNetns owned = UserNetns.of(attacker)) {
            String netns = "pid:" + owned.pid();
            BpfObject program = client.loadProgram(LoadProgramRequest.of("pol_xdp", "xdp", XDP_PASS, "GPL"))
                    .object();

            BpfObject link = client.attach(AttachRequest.xdp(program.id(), "lo").inNetns(netns));

            assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(program.id());
            expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> client.attach(AttachRequest.xdp(program.id(), "lo")));
        }
    }

    @Test
    void cgroupSkbOnARootCgroupIsRefusedAndAllowedOnceDelegated() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create()) {
            BpfObject program = client.loadProgram(LoadProgramRequest.of("pol_skb", "cgroup_skb", CGROUP_PASS, "GPL")
                    .withExpectedAttachType("cgroup_inet_egress")).object();
            AttachRequest attach = AttachRequest.cgroup(program.id(), cgroup.path().toString())
                    .withDirection(Direction.EGRESS);

            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> client.attach(attach));

            assertThat(refused.getMessage()).contains("not delegated to it");
            assertThat(Bpftool.cgroupShow(cgroup.path())).isEmpty();

            // What systemd's Delegate= does: the cgroup's directory belongs to the user.
            Processes.run(Duration.ofSeconds(10), "chown", attacker.name(), cgroup.path().toString()).requireSuccess();
            BpfObject link = client.attach(attach);
            assertThat(Bpftool.cgroupShow(cgroup.path())).hasSize(1);
            client.release(Kind.LINK, link.id());
        }
    }

    @Test
    void pinsGoOnlyUnderTheCallersPrefix() {
        CreateMapRequest map = CreateMapRequest.of("pol_map", "array", 4, 8, 1);

        VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.createMap(map.withPin("app/map")));

        assertThat(refused.getMessage()).contains("may pin only under users/" + attacker.uid() + "/");
        assertThat(bpffs.path().resolve("app")).doesNotExist();
        client.createMap(map.withPin("users/" + attacker.uid() + "/map"));
        assertThat(bpffs.path().resolve("users/" + attacker.uid() + "/map")).exists();
    }

    @Test
    void foreignObjectsAreNeitherAdoptedNorDescribed() {
        BpfObject rootMap = root.createMap(CreateMapRequest.of("pol_root", "array", 4, 8, 1));
        BpfObject ownMap = client.createMap(CreateMapRequest.of("pol_own", "array", 4, 8, 1));

        VarlinkCallException adopt = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.adopt(AdoptRequest.byId(Kind.MAP, rootMap.id())));
        assertThat(adopt.parameters().get("grant").asText()).isEqualTo("adoptForeign: true");
        assertThat(root.get(Kind.MAP, rootMap.id()).owner().uid()).isZero();

        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.explain(Kind.MAP, rootMap.id()));
        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.get(Kind.MAP, rootMap.id()));
        assertThat(client.explain(Kind.MAP, ownMap.id()).owned()).isTrue();
        assertThat(client.list(null, null)).extracting(BpfObject::id).containsExactly(ownMap.id());
        List<SystemObject> seen = client.listAll(null);
        assertThat(seen).extracting(SystemObject::id).containsExactly(ownMap.id());
        assertThat(root.listAll(null)).extracting(SystemObject::id).contains(rootMap.id(), ownMap.id());
        // Root may adopt what is not its own.
        BpfObject free = client.createMap(CreateMapRequest.of("pol_free", "array", 4, 8, 1));
        assertThat(KernelIds.exists(ObjectKind.MAP, (int) free.id())).isTrue();
    }

    @Test
    void objectAndConnectionLimitsRefuseTheOneTooManyAndKeepWhatIsHeld() throws Exception {
        grant("""
                rules:
                  - match: {user: "%s"}
                    limits: {objects: 3, connections: 2}
                """.formatted(attacker.name()));
        List<BpfObject> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(client.createMap(CreateMapRequest.of("pol_lim" + i, "array", 4, 8, 1)));
        }

        VarlinkCallException tooMany = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.createMap(CreateMapRequest.of("pol_lim3", "array", 4, 8, 1)));

        assertThat(tooMany.getMessage()).contains("holds 3 objects and may hold at most 3");
        assertThat(Bpftool.json("map", "show")).noneMatch(map -> map.path("name").asText().equals("pol_lim3"));
        for (BpfObject map : held) {
            assertThat(KernelIds.exists(ObjectKind.MAP, (int) map.id())).isTrue();
        }
        assertThat(client.list(Kind.MAP, null)).hasSize(3);

        try (BpfkeeperClient second = attacker.client(daemon.socket());
                BpfkeeperClient third = attacker.client(daemon.socket())) {
            assertThat(second.list(null, null)).hasSize(3);
            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> third.list(null, null));
            assertThat(refused.getMessage()).contains("has 2 connections open and may have at most 2");
        }
        assertThat(client.list(null, null)).hasSize(3);
    }

    @Test
    void theDefaultLimitsRefuseThe1025thObjectAndThe33rdConnection() throws Exception {
        List<BpfObject> held = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            held.add(client.createMap(CreateMapRequest.of("pol_many", "array", 4, 8, 1)));
        }

        VarlinkCallException tooMany = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                () -> client.createMap(CreateMapRequest.of("pol_1025", "array", 4, 8, 1)));

        assertThat(tooMany.getMessage()).contains("holds 1024 objects and may hold at most 1024");
        assertThat(Bpftool.json("map", "show")).noneMatch(map -> map.path("name").asText().equals("pol_1025"));
        assertThat(held).allMatch(map -> KernelIds.exists(ObjectKind.MAP, (int) map.id()));

        List<BpfkeeperClient> more = new ArrayList<>();
        try {
            for (int i = 0; i < 31; i++) {
                more.add(attacker.client(daemon.socket()));
            }
            assertThat(more.get(30).list(Kind.PROGRAM, null)).isEmpty();
            BpfkeeperClient thirtyThird = attacker.client(daemon.socket());
            more.add(thirtyThird);
            VarlinkCallException refused = expectError(BpfkeeperInterface.PERMISSION_DENIED,
                    () -> thirtyThird.list(Kind.PROGRAM, null));
            assertThat(refused.getMessage()).contains("has 32 connections open and may have at most 32");
        } finally {
            more.forEach(BpfkeeperClient::close);
        }
        assertThat(client.list(Kind.MAP, null)).hasSize(1024);
    }

    @Test
    void aBadFileStopsTheStartAndAReloadWithOneKeepsThePolicyInForce() throws Exception {
        grant("""
                rules:
                  - match: {user: "%s"}
                    programTypes: [default, tracepoint]
                """.formatted(attacker.name()));
        Path bad = policyDir.resolve("50-bad.yaml");
        Files.writeString(bad, "rules:\n  - match: {user: \"" + attacker.name() + "\"}\n    programTypes: [tracepionts]\n");

        assertThat(daemon.daemon().reloadPolicy()).isFalse();

        client.loadProgram(LoadProgramRequest.of("pol_tp", "tracepoint", RETURN_ZERO, "GPL"));
        assertThatThrownBy(() -> TestDaemon.startWithPolicy(bpffs.path(), policyDir))
                .hasMessageContaining(bad + ":3: rules[0].programTypes[0]: unknown program type \"tracepionts\"");
    }

    private void grant(String yaml) throws IOException {
        Files.writeString(policyDir.resolve("10-test.yaml"), yaml);
        assertThat(daemon.daemon().reloadPolicy()).isTrue();
    }

    private static List<JsonNode> programsNamed(String name) {
        return StreamSupport.stream(Bpftool.json("prog", "show").spliterator(), false)
                .filter(program -> program.path("name").asText().equals(name)).toList();
    }

    private static List<JsonNode> linksOfProgram(long programId) {
        return StreamSupport.stream(Bpftool.json("link", "show").spliterator(), false)
                .filter(link -> link.path("prog_id").asLong() == programId).toList();
    }
}
