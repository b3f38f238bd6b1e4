package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.netlink.NetDevices;
import io.bpfkeeper.daemon.kernel.netlink.TcFilters;
import java.util.ArrayList;
import java.util.List;

/**
 * The tc cls_bpf filters that run a program, on the clsact hooks of every device of the namespaces
 * that {@link NetlinkNamespaces} looks in. cls_bpf runs only sched_cls programs, so a program of
 * another type costs nothing here; one of this type costs a device dump per namespace and two
 * filter dumps per device.
 */
final class TcFilterScan {

    private TcFilterScan() {
    }

    static List<Holder.TcFilter> of(int programId, ProgramType type) {
        if (!type.equals(ProgramType.SCHED_CLS)) {
            return List.of();
        }
        return NetlinkNamespaces.scanEach((netns, netlink) -> {
            List<Holder.TcFilter> found = new ArrayList<>();
            for (NetDevices.Device device : NetDevices.of(netlink)) {
                for (TcFilters.BpfFilter filter : TcFilters.of(netlink, device.ifindex())) {
                    if (filter.programId() == programId) {
                        found.add(new Holder.TcFilter(new NetDevice(device.name(), netns), filter));
                    }
                }
            }
            return found;
        });
    }
}
