package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ProgQuery;
import io.bpfkeeper.daemon.kernel.TestLinks;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.HoldingProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestCgroup;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plain-language verdict for each kind of holder this host offers. */
@KernelTest
class HolderVerdictTest {

    /** {@code r0 = 1; exit}: a cgroup_skb program that lets every packet through. */
    private static final String ALLOW = "b700000001000000" + "9500000000000000";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void processHolder() throws Exception {
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client();
                HoldingProcess holder = HoldingProcess.holding(pin)) {
            Files.delete(pin);

            assertThat(client.explain(Kind.MAP, id).verdict()).isEqualTo("map " + id + " (held) stays alive while"
                    + " process " + holder.pid() + " (java) holds fd " + holder.fd() + " until it closes fd "
                    + holder.fd() + " or exits. It dies when that is gone. bpfkeeper does not own it.");
        }
    }

    @Test
    void pinHolder() {
        Path pin = bpffs.path().resolve("pinned");
        int id = Bpftool.createPinnedArrayMap(pin, "pinned");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            assertThat(client.explain(Kind.MAP, id).verdict()).isEqualTo("map " + id + " (pinned) stays alive while"
                    + " pinned at " + pin + " until the pin is removed or its bpffs is unmounted (at the latest at"
                    + " reboot). It dies when that is gone. bpfkeeper does not own it.");
        }
    }

    @Test
    void daemonHolderOfEachLifetime() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            BpfObject kept = client.createMap(CreateMapRequest.of("kept", "array", 4, 8, 1));
            BpfObject session = client.createMap(CreateMapRequest.of("session", "array", 4, 8, 1)
                    .withLifetime(Lifetime.SESSION));
            long pid = ProcessHandle.current().pid();

            Explanation keptExplained = client.explain(Kind.MAP, kept.id());
            assertThat(keptExplained.owned()).isTrue();
            assertThat(keptExplained.verdict()).isEqualTo("map " + kept.id() + " (kept) stays alive while bpfkeeper"
                    + " holds it for uid 0 (created or adopted by pid " + pid + "), lifetime daemon until it is"
                    + " released, or bpfkeeper stops. It dies when that is gone. bpfkeeper owns it.");
            assertThat(client.explain(Kind.MAP, session.id()).verdict()).isEqualTo("map " + session.id()
                    + " (session) stays alive while bpfkeeper holds it for uid 0 (created or adopted by pid " + pid
                    + "), lifetime session until that client's connection closes, it is released, or bpfkeeper"
                    + " stops. It dies when that is gone. bpfkeeper owns it.");
        }
    }

    @Test
    void programHolderOfAMapAndTheProgArrayRule() {
        Path programs = bpffs.path().resolve("progs");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("xdp_count").toString(), programs.toString());
        JsonNode program = Bpftool.json("prog", "show", "pinned", programs.resolve("xdp_count").toString());
        int programId = program.get("id").asInt();
        int mapId = program.get("map_ids").get(0).asInt();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            assertThat(client.explain(Kind.MAP, mapId).verdict()).isEqualTo("map " + mapId + " (counter) stays"
                    + " alive while program " + programId + " (xdp_count) uses it until program " + programId
                    + " is freed. It dies when that is gone. bpfkeeper does not own it.");
            assertThat(client.explain(Kind.PROGRAM, programId).verdict()).isEqualTo("program " + programId
                    + " (xdp_count) stays alive while pinned at " + programs.resolve("xdp_count") + " until the pin"
                    + " is removed or its bpffs is unmounted (at the latest at reboot). It dies when that is gone."
                    + " bpfkeeper does not own it.");

            BpfObject tailCalls = client.createMap(CreateMapRequest.of("jumps", "prog_array", 4, 4, 4));
            assertThat(client.explain(Kind.MAP, tailCalls.id()).verdict()).endsWith("bpfkeeper owns it. When its"
                    + " last fd and pin are gone, the kernel empties a prog_array, even while programs still use it.");
        }
    }

    @Test
    void linkHolderAndLinkLessAttachmentOfACgroupProgram() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client();
                TestCgroup linked = TestCgroup.create();
                TestCgroup attached = TestCgroup.create()) {
            int id = (int) client.loadProgram(LoadProgramRequest.of("allow", "cgroup_skb", ALLOW, "GPL")
                    .withExpectedAttachType("cgroup_inet_ingress")).object().id();
            BpfProgram program = daemon.daemon().registry().get(Kind.PROGRAM, id).orElseThrow().fdHeld().kernelObject();
            Path linkPin = bpffs.path().resolve("link");
            int linkId;
            try (Fd cgroup = ProgQuery.openCgroup(linked.path());
                    Fd link = TestLinks.cgroupLink(program.fd(), cgroup,
                            AttachType.byName("cgroup_inet_ingress").orElseThrow())) {
                BpfFs.pin(link, linkPin);
                linkId = Bpftool.json("link", "show", "pinned", linkPin.toString()).get("id").asInt();
            }
            Bpftool.json("cgroup", "attach", attached.path().toString(), "cgroup_inet_ingress", "id",
                    Integer.toString(id));
            long cgroupId = (Long) Files.getAttribute(linked.path(), "unix:ino", LinkOption.NOFOLLOW_LINKS);

            Explanation explanation = client.explain(Kind.PROGRAM, id);

            assertThat(Bpftool.json("link", "show", "id", Integer.toString(linkId)).get("prog_id").asInt())
                    .isEqualTo(id);
            assertThat(Bpftool.json("cgroup", "show", attached.path().toString()))
                    .extracting(entry -> entry.get("id").asInt()).containsExactly(id);
            assertThat(explanation.holders()).extracting(Holder::type)
                    .containsExactly(HolderType.DAEMON, HolderType.LINK, HolderType.ATTACHMENT);
            assertThat(explanation.verdict()).isEqualTo("program " + id + " (allow) stays alive while any of:"
                    + " bpfkeeper holds it for uid 0 (created or adopted by pid " + ProcessHandle.current().pid()
                    + "), lifetime daemon until it is released, or bpfkeeper stops;"
                    + " link " + linkId + " (cgroup, cgroup " + cgroupId + " cgroup_inet_ingress) holds it until link "
                    + linkId + " is freed: its last fd and pin are gone;"
                    + " attached to cgroup " + attached.path() + " at cgroup_inet_ingress without a link until it is"
                    + " detached or cgroup " + attached.path() + " goes away."
                    + " It dies when all 3 are gone. bpfkeeper owns it. The attachment outlives bpfkeeper and every"
                    + " process: only removing it, or what it is attached to, ends its hold.");
            assertThat(client.explain(Kind.LINK, linkId).verdict()).isEqualTo("link " + linkId + " (cgroup, cgroup "
                    + cgroupId + " cgroup_inet_ingress, holding program " + id + ") stays alive while pinned at "
                    + linkPin + " until the pin is removed or its bpffs is unmounted (at the latest at reboot)."
                    + " It dies when that is gone. bpfkeeper does not own it.");

            Bpftool.json("cgroup", "detach", attached.path().toString(), "cgroup_inet_ingress", "id",
                    Integer.toString(id));
            Files.delete(linkPin);
        }
    }

    @Test
    void tcFiltersOnBothHooksOfADeviceInANamedNamespace() throws Exception {
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            String netns = network.netnsA();
            String device = network.deviceA();
            int id = network.addTcIngressFilter(netns, device, BpfTestObjects.path("tc_count"), "pref", "1", "handle",
                    "0x1").get("id").asInt();
            // The same program on egress too, through a pin that goes once the filter holds it.
            Path pin = bpffs.path().resolve("tc_count");
            Bpftool.json("prog", "pin", "id", Integer.toString(id), pin.toString());
            network.inNetns(netns, "tc", "filter", "add", "dev", device, "egress", "pref", "2", "handle", "0x5", "bpf",
                    "object-pinned", pin.toString());
            Files.delete(pin);

            JsonNode shown = network.netShow(netns).get("tc");
            assertThat(shown).extracting(filter -> filter.get("id").asInt()).containsExactly(id, id);
            assertThat(client.explain(Kind.PROGRAM, id).verdict()).isEqualTo("program " + id + " (tc_count) stays"
                    + " alive while any of: the tc subsystem holds it as filter pref 1 handle 0x1 on ingress of " + device
                    + " in network namespace " + netns + " (cls_bpf tc_count.bpf.o:[tc], direct-action) until `tc -n "
                    + netns + " filter del dev " + device + " ingress pref 1 handle 0x1 bpf` deletes the filter or "
                    + device + " goes away; the tc subsystem holds it as filter pref 2 handle 0x5 on egress of " + device
                    + " in network namespace " + netns + " (cls_bpf " + shown.get(1).get("name").asText() + ") until `tc -n " + netns + " filter del"
                    + " dev " + device + " egress pref 2 handle 0x5 bpf` deletes the filter or " + device + " goes away."
                    + " It dies when both are gone. bpfkeeper does not own it. The 2 attachments outlive bpfkeeper and"
                    + " every process: only removing them, or what they are attached to, ends their hold.");
        }
    }

    @Test
    void netlinkXdpProgramInANamedNamespace() {
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            String netns = network.netnsB();
            String device = network.deviceB();
            JsonNode shown = network.setXdpThroughNetlink(netns, device, BpfTestObjects.path("xdp_count"));
            int id = shown.get("id").asInt();

            assertThat(shown.get("mode").asText()).isEqualTo("generic");
            assertThat(client.explain(Kind.PROGRAM, id).verdict()).isEqualTo("program " + id + " (xdp_count) stays"
                    + " alive while " + device + " in network namespace " + netns + " runs it as its XDP program in"
                    + " generic mode, attached through netlink until `ip -n " + netns + " link set dev " + device
                    + " xdpgeneric off` removes it or " + device + " goes away. It dies when that is gone. bpfkeeper"
                    + " does not own it. The attachment outlives bpfkeeper and every process: only removing it, or"
                    + " what it is attached to, ends its hold.");
        }
    }

    @Test
    void fdStoreHolderComesFromTheSystemdIntegration() {
        Registry registry = new Registry();
        BpfMap map = BpfMap.create(new MapSpec("stored", MapType.ARRAY, 4, 8, 1, 0));
        registry.add(new OwnedObject.FdHeld(Kind.MAP, map, "stored", "array", new Owner(0, 0, 1), Lifetime.DAEMON, 0,
                Map.of(), Instant.now()));
        try {
            Explainer explainer = new Explainer(registry, key -> Optional.of("map-" + key.id()));

            assertThat(explainer.explain(io.bpfkeeper.daemon.kernel.ObjectKind.MAP, map.id()).verdict())
                    .isEqualTo("map " + map.id() + " (stored) stays alive while any of: bpfkeeper holds it for uid 0"
                            + " (created or adopted by pid 1), lifetime daemon until it is released, or bpfkeeper"
                            + " stops; systemd's fd store keeps it as map-" + map.id() + " across restarts of"
                            + " bpfkeeper until it is released, or"
                            + " the bpfkeeper unit is stopped rather than restarted. It dies when both are gone."
                            + " bpfkeeper owns it.");
        } finally {
            registry.closeAllForShutdown();
        }
    }
}
