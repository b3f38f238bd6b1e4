package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.netlink.RouteNetlink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The network namespaces where Explain looks for what only netlink shows: the daemon's own, then
 * each one named under /run/netns (as {@code ip netns add} names them), once each even where several
 * names, or a name and the daemon, share one namespace. Namespaces that nothing names there, such as
 * most containers', which only their processes' /proc/PID/ns/net lead to, are not looked in.
 */
final class NetlinkNamespaces {

    /** What a scan finds in one namespace, through a netlink socket of that namespace. */
    @FunctionalInterface
    interface Scan<T> {
        List<T> in(NetworkNamespace netns, RouteNetlink netlink);
    }

    private NetlinkNamespaces() {
    }

    /**
     * Runs {@code scan} in each namespace and returns all it found, the daemon's own namespace first.
     * A named namespace is entered on a thread of its own (see {@link NetworkNamespace#run}), which
     * opens the socket there.
     */
    static <T> List<T> scanEach(Scan<T> scan) {
        List<T> found = new ArrayList<>(scanIn(NetworkNamespace.DAEMONS_OWN, scan));
        Set<Long> scanned = new HashSet<>(List.of(NetworkNamespace.DAEMONS_OWN.inode()));
        for (NetworkNamespace named : NetworkNamespace.named()) {
            try {
                if (scanned.add(named.inode())) {
                    found.addAll(scanIn(named, scan));
                }
            } catch (InvalidTargetException e) {
                // Deleted since it was listed, or a name left behind with no namespace mounted on it.
            }
        }
        return found;
    }

    private static <T> List<T> scanIn(NetworkNamespace netns, Scan<T> scan) {
        return netns.run(() -> {
            try (RouteNetlink netlink = RouteNetlink.open()) {
                return scan.in(netns, netlink);
            }
        });
    }
}
