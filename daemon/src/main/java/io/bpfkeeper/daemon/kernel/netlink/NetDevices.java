package io.bpfkeeper.daemon.kernel.netlink;

import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFINFOMSG_INDEX;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFINFOMSG_SIZE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFLA_IFNAME;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFLA_XDP;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFLA_XDP_DRV_PROG_ID;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFLA_XDP_HW_PROG_ID;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.IFLA_XDP_SKB_PROG_ID;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.RTM_GETLINK;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.RTM_NEWLINK;

import io.bpfkeeper.daemon.kernel.libbpf.XdpQuery;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The network devices of a socket's namespace, with the XDP program that each XDP mode of each runs,
 * from one RTM_GETLINK dump: what {@code ip link} and {@code bpftool net} show. libbpf's
 * bpf_xdp_query reads the same attributes, but makes a dump of every device for each device it is
 * asked about, and reports no program where a device runs two modes at once.
 */
public final class NetDevices {

    private NetDevices() {
    }

    /**
     * A device, and the program of each XDP mode that has one, whether a link or a netlink
     * attachment put it there: netlink does not tell them apart.
     */
    public record Device(int ifindex, String name, Map<XdpQuery.Mode, Integer> xdpPrograms) {
    }

    public static List<Device> of(RouteNetlink netlink) {
        // An ifinfomsg of zeros: every device, of every address family.
        ByteBuffer everyDevice = ByteBuffer.allocate(IFINFOMSG_SIZE).order(ByteOrder.nativeOrder());
        List<Device> devices = new ArrayList<>();
        netlink.dump("RTM_GETLINK dump", RTM_GETLINK, everyDevice, message -> {
            if (message.type() != RTM_NEWLINK) {
                return;
            }
            Attributes attributes = message.attributes(IFINFOMSG_SIZE);
            attributes.get(IFLA_IFNAME).ifPresent(name -> devices.add(new Device(message.u32(IFINFOMSG_INDEX),
                    name.string(), attributes.get(IFLA_XDP).map(xdp -> xdpPrograms(xdp.nested())).orElse(Map.of()))));
        });
        return devices;
    }

    /** The kernel sends a mode's program id only when the mode has a program. */
    private static Map<XdpQuery.Mode, Integer> xdpPrograms(Attributes xdp) {
        Map<XdpQuery.Mode, Integer> programs = new EnumMap<>(XdpQuery.Mode.class);
        xdp.get(IFLA_XDP_DRV_PROG_ID).ifPresent(id -> programs.put(XdpQuery.Mode.DRIVER, id.u32()));
        xdp.get(IFLA_XDP_SKB_PROG_ID).ifPresent(id -> programs.put(XdpQuery.Mode.GENERIC, id.u32()));
        xdp.get(IFLA_XDP_HW_PROG_ID).ifPresent(id -> programs.put(XdpQuery.Mode.OFFLOAD, id.u32()));
        return programs;
    }
}
