package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.HoldingProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestNetwork;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.XdpMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Explain agrees with bpftool's "-f" pinned output and map ids for the same objects, and with
 * {@code bpftool net show} (and tc, for a filter's priority and handle) for the tc filters and
 * netlink XDP programs of namespaces that the tests make. Debian 12's bpftool 7.1 is built without
 * skeletons, so it never prints "pids"; the holder process itself, which knows its pid and the fd
 * it opened, is the witness for process holders.
 */
@KernelTest
class ExplainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @RegisterExtension
    final PrivateBpffs otherBpffs = new PrivateBpffs();

    @Test
    void objectHeldOnlyByAnotherProcessIsGoneOnceThatProcessIsKilled() throws Exception {
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client();
                HoldingProcess holder = HoldingProcess.holding(pin)) {
            Files.delete(pin);

            Explanation held = client.explain(Kind.MAP, id);

            assertThat(Bpftool.json("-f", "map", "show", "id", Integer.toString(id)).path("pinned")).isEmpty();
            assertThat(held.holders()).singleElement().satisfies(process -> {
                assertThat(process.type()).isEqualTo(HolderType.PROCESS);
                assertThat(process.pid()).isEqualTo(holder.pid());
                assertThat(process.command()).isEqualTo("java");
                assertThat(process.fd()).isEqualTo(holder.fd());
            });
            assertThat(held.owned()).isFalse();

            holder.kill();

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, id),
                    "map " + id + " freed after its only holder was killed");
            Explanation gone = client.explain(Kind.MAP, id);
            assertThat(gone.holders()).isEmpty();
            assertThat(gone.verdict()).isEqualTo("map " + id + " does not exist: the kernel has freed it,"
                    + " or it never existed.");
        }
    }

    @Test
    void objectPinnedInTwoBpffsMountsHasBothPins() {
        Path first = bpffs.path().resolve("first");
        Path second = otherBpffs.path().resolve("second");
        int id = Bpftool.createPinnedArrayMap(first, "twice");
        Bpftool.json("map", "pin", "id", Integer.toString(id), second.toString());
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            Explanation explanation = client.explain(Kind.MAP, id);

            List<String> pinnedByBpftool = texts(Bpftool.json("-f", "map", "show", "id", Integer.toString(id))
                    .get("pinned"));
            assertThat(pinnedByBpftool).containsExactlyInAnyOrder(first.toString(), second.toString());
            assertThat(explanation.holders()).extracting(Holder::type).containsOnly(HolderType.PIN);
            assertThat(explanation.holders()).extracting(Holder::path)
                    .containsExactlyInAnyOrderElementsOf(pinnedByBpftool);
            assertThat(explanation.verdict()).contains("It dies when both are gone.")
                    .endsWith("bpfkeeper does not own it.");
        }
    }

    @Test
    void pinInASubdirectoryIsFoundAndASymlinkToItIsNot() throws Exception {
        Path directory = Files.createDirectories(bpffs.path().resolve("nested/deeper"));
        Path pin = directory.resolve("deep");
        int id = Bpftool.createPinnedArrayMap(pin, "deep");
        Files.createSymbolicLink(bpffs.path().resolve("shortcut"), pin);
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            Explanation explanation = client.explain(Kind.MAP, id);

            List<String> pinnedByBpftool = texts(Bpftool.json("-f", "map", "show", "id", Integer.toString(id))
                    .get("pinned"));
            assertThat(pinnedByBpftool).containsExactly(pin.toString());
            assertThat(explanation.holders()).extracting(Holder::path).containsExactlyElementsOf(pinnedByBpftool);
        }
    }

    @Test
    void pinReplacedBetweenTwoCallsIsIdentifiedAnew() throws Exception {
        Path pin = bpffs.path().resolve("replaced");
        int first = Bpftool.createPinnedArrayMap(pin, "first");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            assertThat(client.explain(Kind.MAP, first).holders()).extracting(Holder::path)
                    .containsExactly(pin.toString());
            Path other = bpffs.path().resolve("other");
            int second = Bpftool.createPinnedArrayMap(other, "second");
            // Renamed over the first map's pin, which frees that map: a file name that the last
            // Explain saw now pins another object.
            Path replacement = bpffs.path().resolve("replacement");
            Bpftool.json("map", "pin", "id", Integer.toString(second), replacement.toString());
            Files.move(replacement, pin, StandardCopyOption.ATOMIC_MOVE);

            assertThat(client.explain(Kind.MAP, second).holders()).extracting(Holder::path)
                    .containsExactlyInAnyOrder(pin.toString(), other.toString());
        }
    }

    @Test
    void mapReleasedByTheDaemonLivesOnInTheProgramThatUsesIt() {
        Path programs = bpffs.path().resolve("progs");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("xdp_count").toString(), programs.toString());
        JsonNode program = Bpftool.json("prog", "show", "pinned", programs.resolve("xdp_count").toString());
        int programId = program.get("id").asInt();
        int mapId = program.get("map_ids").get(0).asInt();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            client.adopt(AdoptRequest.byId(Kind.MAP, mapId));
            assertThat(client.explain(Kind.MAP, mapId).owned()).isTrue();
            client.release(Kind.MAP, mapId);

            Explanation explanation = client.explain(Kind.MAP, mapId);

            JsonNode shown = Bpftool.json("-f", "map", "show", "id", Integer.toString(mapId));
            assertThat(shown.path("pinned")).as("bpftool sees no pin").isEmpty();
            assertThat(explanation.owned()).isFalse();
            assertThat(explanation.holders()).singleElement().satisfies(user -> {
                assertThat(user.type()).isEqualTo(HolderType.PROGRAM);
                assertThat(user.id()).isEqualTo(programId);
            });
            assertThat(KernelIds.exists(ObjectKind.MAP, mapId)).isTrue();
        }
    }

    @Test
    void tcFilterAddedByTcInAnotherNamespaceIsFoundUntilItsRemovalCommandDeletesIt() {
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            String netns = network.netnsA();
            String device = network.deviceA();
            JsonNode shown = network.addTcIngressFilter(netns, device, BpfTestObjects.path("tc_count"));
            int id = shown.get("id").asInt();
            // A pin keeps the program once the filter is gone, so that Explain can tell the filter is.
            Path pin = bpffs.path().resolve("tc_count");
            Bpftool.json("prog", "pin", "id", Integer.toString(id), pin.toString());
            JsonNode filter = tcFilterOf(network, netns, device, id);
            String pref = filter.get("pref").asText();
            String handle = filter.get("options").get("handle").asText();

            Explanation attached = client.explain(Kind.PROGRAM, id);

            assertThat(shown.get("devname").asText()).isEqualTo(device);
            assertThat(shown.get("kind").asText()).isEqualTo("clsact/ingress");
            assertThat(attached.holders()).extracting(Holder::type)
                    .containsExactlyInAnyOrder(HolderType.PIN, HolderType.ATTACHMENT);
            Holder holder = attachmentOf(attached);
            assertThat(holder.target()).isEqualTo(device + " in network namespace " + netns + " tc ingress pref "
                    + pref + " handle " + handle);
            assertThat(holder.description()).startsWith("the tc subsystem holds it as filter pref " + pref + " handle "
                    + handle + " on ingress of " + device + " in network namespace " + netns + " (cls_bpf "
                    + shown.get("name").asText() + ", direct-action) until `");
            assertThat(attached.verdict()).contains("the tc subsystem holds it as filter pref " + pref);

            Processes.run(Duration.ofSeconds(30), "sh", "-c", removalCommand(holder)).requireSuccess();

            assertThat(network.netShow(netns).get("tc")).isEmpty();
            assertThat(client.explain(Kind.PROGRAM, id).holders()).extracting(Holder::type)
                    .containsExactly(HolderType.PIN);
        }
    }

    @Test
    void xdpProgramSetThroughNetlinkInAnotherNamespaceIsFoundWithItsModeUntilItsRemovalCommandTakesItOff() {
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            String netns = network.netnsB();
            String device = network.deviceB();
            JsonNode shown = network.setXdpThroughNetlink(netns, device, BpfTestObjects.path("xdp_count"));
            int id = shown.get("id").asInt();
            Bpftool.json("prog", "pin", "id", Integer.toString(id), bpffs.path().resolve("xdp_count").toString());

            Explanation attached = client.explain(Kind.PROGRAM, id);

            assertThat(shown.get("devname").asText()).isEqualTo(device);
            assertThat(shown.get("mode").asText()).isEqualTo("generic");
            assertThat(attached.holders()).extracting(Holder::type)
                    .containsExactlyInAnyOrder(HolderType.PIN, HolderType.ATTACHMENT);
            Holder holder = attachmentOf(attached);
            assertThat(holder.target()).isEqualTo(device + " in network namespace " + netns + " xdp (generic)");
            assertThat(holder.description()).startsWith(device + " in network namespace " + netns
                    + " runs it as its XDP program in generic mode, attached through netlink until `");

            Processes.run(Duration.ofSeconds(30), "sh", "-c", removalCommand(holder)).requireSuccess();

            assertThat(network.netShow(netns).get("xdp")).isEmpty();
            assertThat(client.explain(Kind.PROGRAM, id).holders()).extracting(Holder::type)
                    .containsExactly(HolderType.PIN);
        }
    }

    @Test
    void tcFilterOfTheDaemonsOwnAttachIsFoundWhereTheDaemonPutIt() {
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            Counters.Loaded tc = Counters.load(client, LoadObjectRequest.of("tc", BpfTestObjects.bytes("tc_count")),
                    "tc_count");
            BpfObject filter = client.attach(AttachRequest.onInterface(tc.program().id(), Hook.TC, network.deviceB())
                    .inNetns(network.netnsB()).withDirection(Direction.EGRESS).withFilter(7L, 3L));

            Explanation explanation = client.explain(Kind.PROGRAM, (int) tc.program().id());

            assertThat(network.netShow(network.netnsB()).get("tc")).singleElement().satisfies(shown -> {
                assertThat(shown.get("kind").asText()).isEqualTo("clsact/egress");
                assertThat(shown.get("id").asLong()).isEqualTo(tc.program().id());
            });
            assertThat(explanation.holders()).extracting(Holder::type)
                    .containsExactly(HolderType.DAEMON, HolderType.ATTACHMENT);
            assertThat(attachmentOf(explanation).target()).isEqualTo(network.deviceB() + " in network namespace "
                    + network.netnsB() + " tc egress pref 7 handle 0x3");

            client.detach(Kind.ATTACHMENT, filter.id());

            assertThat(client.explain(Kind.PROGRAM, (int) tc.program().id()).holders()).extracting(Holder::type)
                    .containsExactly(HolderType.DAEMON);
        }
    }

    @Test
    void programsAttachedNowhereOrByALinkHaveNoAttachment() {
        Path programs = bpffs.path().resolve("progs");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("tc_count").toString(), programs.toString());
        int unattached = Bpftool.json("prog", "show", "pinned", programs.resolve("tc_count").toString()).get("id")
                .asInt();
        try (TestNetwork network = TestNetwork.create();
                TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client()) {
            // Another copy of the same program on a device of a named namespace: not this one.
            network.addTcIngressFilter(network.netnsA(), network.deviceA(), BpfTestObjects.path("tc_count"));
            // netlink reports an XDP link's program as the device's, like one that netlink attached.
            Counters.Loaded xdp = Counters.load(client, LoadObjectRequest.of("xdp",
                    BpfTestObjects.bytes("xdp_count")), "xdp_count");
            BpfObject link = client.attach(AttachRequest.xdp(xdp.program().id(), network.deviceB())
                    .inNetns(network.netnsB()).withMode(XdpMode.GENERIC));

            assertThat(network.netShow(network.netnsA()).get("tc")).extracting(shown -> shown.get("id").asInt())
                    .doesNotContain(unattached);
            assertThat(network.netShow(network.netnsB()).get("xdp")).extracting(shown -> shown.get("id").asLong())
                    .containsExactly(xdp.program().id());
            assertThat(client.explain(Kind.PROGRAM, unattached).holders()).extracting(Holder::type)
                    .containsExactly(HolderType.PIN);
            assertThat(client.explain(Kind.PROGRAM, (int) xdp.program().id()).holders())
                    .extracting(Holder::type, Holder::id)
                    .containsExactly(tuple(HolderType.DAEMON, null), tuple(HolderType.LINK, link.id()));
        }
    }

    private static JsonNode tcFilterOf(TestNetwork network, String netns, String device, int programId) {
        try {
            for (JsonNode filter : JSON.readTree(network.inNetns(netns, "tc", "-j", "filter", "show", "dev", device,
                    "ingress"))) {
                if (filter.path("options").path("prog").path("id").asInt() == programId) {
                    return filter;
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("tc shows no filter of program " + programId + " on " + device);
    }

    private static Holder attachmentOf(Explanation explanation) {
        return explanation.holders().stream().filter(holder -> holder.type() == HolderType.ATTACHMENT).findFirst()
                .orElseThrow();
    }

    /** The command line that a holder's description gives between backquotes to remove it. */
    private static String removalCommand(Holder holder) {
        String description = holder.description();
        int start = description.indexOf('`') + 1;
        return description.substring(start, description.indexOf('`', start));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
