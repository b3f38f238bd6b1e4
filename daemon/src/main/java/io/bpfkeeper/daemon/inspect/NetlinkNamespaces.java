package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.netlink.RouteNetlink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
     * opens the socket there; one that the daemon's own or an earlier name is scanned already, by its
     * inode, is left.
     */
    static <T> List<T> scanEach(Scan<T> scan) {
        // Added to from each namespace's thread, one after the other.
        Set<Long> scanned = ConcurrentHashMap.newKeySet();
        List<T> found = new ArrayList<>(scanIn(NetworkNamespace.DAEMONS_OWN, scan, scanned));
        for (NetworkNamespace named : NetworkNamespace.named()) {
            try {
                found.addAll(scanIn(named, scan, scanned));
            } catch (InvalidTargetException e) {
                // Deleted since it was listed, or a name with no namespace mounted on it.
            }
        }
        return found;
    }

    private static <T> List<T> scanIn(NetworkNamespace netns, Scan<T> scan, Set<Long> scanned) {
        return netns.run(() -> {
            if (!scanned.add(NetworkNamespace.currentInode())) {
                return List.of();
            }
            try (RouteNetlink netlink = RouteNetlink.open()) {
                return scan.in(netns, netlink);
            }
        });
    }
}
