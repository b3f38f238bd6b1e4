package io.bpfkeeper.daemon.kernel.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.libbpf.XdpQuery;
import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device and tc filter dumps against ip, tc and bpftool, in namespaces of the test's own: what
 * the dumps read is what those tools show.
 */
@KernelTest
class NetlinkDumpsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void devicesAreIpLinksOwnWithTheXdpProgramOfEachMode() throws Exception {
        try (TestNetwork network = TestNetwork.create()) {
            int programId = network.setXdpThroughNetlink(network.netnsA(), network.deviceA(),
                    BpfTestObjects.path("xdp_count")).get("id").asInt();

            List<NetDevices.Device> devices = dump(network.netnsA(), NetDevices::of);

            assertThat(devices).extracting(NetDevices.Device::ifindex, NetDevices.Device::name)
                    .containsExactlyInAnyOrderElementsOf(ipLinks(network, network.netnsA()));
            assertThat(devices).filteredOn(device -> device.name().equals(network.deviceA())).singleElement()
                    .satisfies(device -> assertThat(device.xdpPrograms())
                            .containsExactly(entry(XdpQuery.Mode.GENERIC, programId)));
            assertThat(devices).filteredOn(device -> device.name().equals("lo")).singleElement()
                    .satisfies(device -> assertThat(device.xdpPrograms()).isEmpty());
        }
    }

    @Test
    void aDumpOfManyDatagramsIsReadToItsEnd() throws Exception {
        try (TestNetwork network = TestNetwork.create()) {
            // A device's message is over a kilobyte: 300 devices need many datagrams of at most 32 KiB.
            Path batch = Files.createTempFile("veths", ".batch");
            try {
                Files.write(batch, IntStream.range(0, 150).mapToObj(i -> "link add v" + i + " type veth peer name w" + i)
                        .toList());
                network.inNetns(network.netnsA(), "ip", "-batch", batch.toString());
            } finally {
                Files.delete(batch);
            }

            List<NetDevices.Device> devices = dump(network.netnsA(), NetDevices::of);

            assertThat(devices).hasSizeGreaterThan(300).extracting(NetDevices.Device::ifindex, NetDevices.Device::name)
                    .containsExactlyInAnyOrderElementsOf(ipLinks(network, network.netnsA()));
        }
    }

    @Test
    void bpfFiltersOfBothHooksAreTcsOwn() {
        try (TestNetwork network = TestNetwork.create()) {
            String netns = network.netnsA();
            String device = network.deviceA();
            Path object = BpfTestObjects.path("tc_count");
            network.addTcIngressFilter(netns, device, object, "pref", "3", "handle", "0x7");
            network.inNetns(netns, "tc", "filter", "add", "dev", device, "egress", "chain", "2", "pref", "5", "handle",
                    "0x9", "bpf", "obj", object.toString(), "sec", "tc");
            int ifindex = ifindex(network, netns, device);
            JsonNode tc = network.netShow(netns).get("tc");

            List<TcFilters.BpfFilter> filters = dump(netns, netlink -> TcFilters.of(netlink, ifindex));

            assertThat(tc).extracting(entry -> tuple(entry.get("kind").asText(), entry.get("name").asText()))
                    .containsExactly(tuple("clsact/ingress", "tc_count.bpf.o:[tc]"),
                            tuple("clsact/egress", "tc_count.bpf.o:[tc]"));
            assertThat(filters).containsExactly(
                    new TcFilters.BpfFilter(Direction.INGRESS, 0, 3, 0x7, tc.get(0).get("id").asInt(),
                            "tc_count.bpf.o:[tc]", true),
                    new TcFilters.BpfFilter(Direction.EGRESS, 2, 5, 0x9, tc.get(1).get("id").asInt(),
                            "tc_count.bpf.o:[tc]", false));
        }
    }

    @Test
    void aDeviceWithoutClsactHasNoFilters() {
        try (TestNetwork network = TestNetwork.create()) {
            int ifindex = ifindex(network, network.netnsA(), network.deviceA());

            List<TcFilters.BpfFilter> filters = dump(network.netnsA(), netlink -> TcFilters.of(netlink, ifindex));

            assertThat(filters).isEmpty();
        }
    }

    @Test
    void manyFiltersOfOneHookAreReadToTheEnd() throws Exception {
        Path pin = bpffs.path().resolve("tc");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("tc_count").toString(), pin.toString());
        int programId = Bpftool.json("prog", "show", "pinned", pin.resolve("tc_count").toString()).get("id").asInt();
        try (TestNetwork network = TestNetwork.create()) {
            String netns = network.netnsA();
            network.inNetns(netns, "tc", "qdisc", "add", "dev", network.deviceA(), "clsact");
            // Some 200 bytes a filter: 400 of them need more than one datagram.
            Path batch = Files.createTempFile("filters", ".batch");
            try {
                Files.write(batch, IntStream.rangeClosed(1, 400).mapToObj(priority -> "filter add dev "
                        + network.deviceA() + " ingress pref " + priority + " handle 0x1 bpf da object-pinned "
                        + pin.resolve("tc_count")).toList());
                network.inNetns(netns, "tc", "-batch", batch.toString());
            } finally {
                Files.delete(batch);
            }
            int ifindex = ifindex(network, netns, network.deviceA());

            List<TcFilters.BpfFilter> filters = dump(netns, netlink -> TcFilters.of(netlink, ifindex));

            assertThat(filters).extracting(TcFilters.BpfFilter::priority)
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 400).boxed().toList());
            assertThat(filters).allSatisfy(filter -> assertThat(filter.programId()).isEqualTo(programId));
        }
    }

    private static <T> T dump(String netns, Function<RouteNetlink, T> dump) {
        return NetworkNamespace.of(netns, 0).run(() -> {
            try (RouteNetlink netlink = RouteNetlink.open()) {
                return dump.apply(netlink);
            }
        });
    }

    /** (ifindex, name) of each device, as {@code ip -j link show} lists them. */
    private static List<Tuple> ipLinks(TestNetwork network, String netns) throws Exception {
        List<Tuple> links = new ArrayList<>();
        JSON.readTree(network.inNetns(netns, "ip", "-j", "link", "show"))
                .forEach(link -> links.add(tuple(link.get("ifindex").asInt(), link.get("ifname").asText())));
        return links;
    }

    private static int ifindex(TestNetwork network, String netns, String device) {
        return Integer.parseInt(network.inNetns(netns, "cat", "/sys/class/net/" + device + "/ifindex").strip());
    }
}
