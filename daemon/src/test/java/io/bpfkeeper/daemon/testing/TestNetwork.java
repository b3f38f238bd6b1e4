package io.bpfkeeper.daemon.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces of a test's own, joined by a veth pair: side A ({@value #ADDRESS_A}) and
 * side B ({@value #ADDRESS_B}). Tests send traffic only between these two ends, so nothing on the
 * host sees it. Closing deletes both namespaces, and with them the devices and what is attached to
 * them.
 *
 * <p>{@link #exchange} sends UDP datagrams from A to a port of B where nothing listens, and waits
 * until A has received B's ICMP "port unreachable" for each: then every hook on the way there and
 * back has run, and a counter that did not move really was not on the way.
 */
public final class TestNetwork implements AutoCloseable {

    public static final String ADDRESS_A = "10.199.0.1";
    public static final String ADDRESS_B = "10.199.0.2";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger CREATED = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The discard port; nothing listens on it in B, so B answers with ICMP port unreachable. */
    private static final int UNUSED_PORT = 9;

    private final String netnsA;
    private final String netnsB;
    private final String deviceA;
    private final String deviceB;

    private TestNetwork(String name) {
        // Namespace and device names are unique per test JVM and per network, and at most 15 characters.
        this.netnsA = name + "a";
        this.netnsB = name + "b";
        this.deviceA = name + "a";
        this.deviceB = name + "b";
    }

    public static TestNetwork create() {
        TestNetwork network = new TestNetwork("bk" + ProcessHandle.current().pid() + "n" + CREATED.incrementAndGet());
        try {
            network.setUp();
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void setUp() {
        ip("netns", "add", netnsA);
        ip("netns", "add", netnsB);
        ip("link", "add", deviceA, "netns", netnsA, "type", "veth", "peer", "name", deviceB, "netns", netnsB);
        ip("-n", netnsA, "address", "add", ADDRESS_A + "/30", "dev", deviceA);
        ip("-n", netnsB, "address", "add", ADDRESS_B + "/30", "dev", deviceB);
        ip("-n", netnsA, "link", "set", deviceA, "up");
        ip("-n", netnsB, "link", "set", deviceB, "up");
        // B answers every datagram: the kernel limits ICMP errors to one a second per peer otherwise.
        inNetns(netnsB, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit");
        // Resolve the neighbours now, so that later exchanges carry no ARP.
        exchange(1);
    }

    public String netnsA() {
        return netnsA;
    }

    public String netnsB() {
        return netnsB;
    }

    public String deviceA() {
        return deviceA;
    }

    public String deviceB() {
        return deviceB;
    }

    /** Sends {@code count} datagrams from A to B and waits for B's answer to each; see the class comment. */
    public void exchange(int count) {
        long before = unreachablesReceivedByA();
        inNetns(netnsA, "bash", "-c", sendCommand(count));
        awaitAnswers(before, count);
    }

    /**
     * Like {@link #exchange}, sent by a process that first moves itself into {@code cgroup}, a
     * cgroup v2 directory.
     */
    public void exchangeFromCgroup(Path cgroup, int count) {
        long before = unreachablesReceivedByA();
        Processes.run(TIMEOUT, "bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                + " && exec ip netns exec " + netnsA + " bash -c '" + sendCommand(count) + "'").requireSuccess();
        awaitAnswers(before, count);
    }

    private static String sendCommand(int count) {
        return "for i in $(seq " + count + "); do echo datagram > /dev/udp/" + ADDRESS_B + "/" + UNUSED_PORT
                + "; done";
    }

    private void awaitAnswers(long before, int count) {
        Eventually.until(TIMEOUT, () -> unreachablesReceivedByA() >= before + count,
                count + " ICMP port unreachable answers from B reach A");
    }

    /** InDestUnreachs of A's /proc/net/snmp: the line of names, then the line of values. */
    private long unreachablesReceivedByA() {
        List<String> icmp = inNetns(netnsA, "cat", "/proc/net/snmp").lines()
                .filter(line -> line.startsWith("Icmp:")).toList();
        int column = Arrays.asList(icmp.get(0).split(" ")).indexOf("InDestUnreachs");
        return Long.parseLong(icmp.get(1).split(" ")[column]);
    }

    /** {@code bpftool net show} in a namespace: its XDP and tc programs. */
    public JsonNode netShow(String netns) {
        String output = inNetns(netns, "bpftool", "-j", "net", "show");
        try {
            return JSON.readTree(output).get(0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bpftool printed something other than JSON: " + output, e);
        }
    }

    /**
     * Runs section "xdp" of {@code object} on {@code device} in generic mode, attached through
     * netlink as {@code ip link set … xdpgeneric obj} attaches it rather than by a link, and returns
     * what {@code bpftool net show} says of it: devname, ifindex, mode and the program's id.
     */
    public JsonNode setXdpThroughNetlink(String netns, String device, Path object) {
        inNetns(netns, "ip", "link", "set", "dev", device, "xdpgeneric", "obj", object.toString(), "sec", "xdp");
        return netShow(netns).get("xdp").get(0);
    }

    /**
     * Adds a clsact qdisc to {@code device} and, on its ingress hook, a cls_bpf filter that runs
     * section "tc" of {@code object} in direct-action mode, as {@code tc filter add … bpf da obj}
     * does, and returns what {@code bpftool net show} says of it: devname, ifindex, kind, name and
     * the program's id.
     *
     * @param place such as "pref", "1", "handle", "0x1"; none lets the kernel pick
     */
    public JsonNode addTcIngressFilter(String netns, String device, Path object, String... place) {
        inNetns(netns, "tc", "qdisc", "add", "dev", device, "clsact");
        List<String> command = new ArrayList<>(List.of("tc", "filter", "add", "dev", device, "ingress"));
        command.addAll(List.of(place));
        command.addAll(List.of("bpf", "da", "obj", object.toString(), "sec", "tc"));
        inNetns(netns, command.toArray(String[]::new));
        return netShow(netns).get("tc").get(0);
    }

    /** Runs a command in a namespace and returns its output; it must succeed. */
    public String inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return Processes.run(TIMEOUT, full).requireSuccess().stdout();
    }

    private static void ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        Processes.run(TIMEOUT, command).requireSuccess();
    }

    /** Deletes both namespaces; the veth pair goes with them. */
    @Override
    public void close() {
        for (String netns : List.of(netnsA, netnsB)) {
            Processes.run(TIMEOUT, "ip", "netns", "delete", netns);
        }
    }
}
