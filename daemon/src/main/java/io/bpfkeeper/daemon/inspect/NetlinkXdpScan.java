package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.libbpf.XdpQuery;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.netlink.NetDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The devices that run a program as their XDP program because netlink put it there (ip link set …
 * xdp, or a loader older than XDP links), in the namespaces that {@link NetlinkNamespaces} looks in.
 * Only XDP programs can be there, so a program of another type costs nothing here; an XDP program
 * costs one device dump per namespace.
 *
 * <p>Netlink reports a device's XDP program alike whether a link or netlink attached it. A device
 * whose program an XDP link of the same program and ifindex holds is taken for that link's, which
 * Explain lists already: XDP links name their device by ifindex alone, so a program linked to ifindex
 * N of one namespace and attached through netlink to ifindex N of another shows only as the link.
 */
final class NetlinkXdpScan {

    private NetlinkXdpScan() {
    }

    static List<Holder.NetlinkXdp> of(int programId, ProgramType type, List<LinkInfo> links) {
        if (!type.equals(ProgramType.XDP)) {
            return List.of();
        }
        return NetlinkNamespaces.scanEach((netns, netlink) -> {
            List<Holder.NetlinkXdp> found = new ArrayList<>();
            for (NetDevices.Device device : NetDevices.of(netlink)) {
                for (Map.Entry<XdpQuery.Mode, Integer> program : device.xdpPrograms().entrySet()) {
                    if (program.getValue() == programId && !linked(links, programId, device.ifindex())) {
                        found.add(new Holder.NetlinkXdp(new NetDevice(device.name(), netns), program.getKey()));
                    }
                }
            }
            return found;
        });
    }

    private static boolean linked(List<LinkInfo> links, int programId, int ifindex) {
        return links.stream().anyMatch(link -> link.isXdpLinkOf(programId, ifindex));
    }
}
