package io.bpfkeeper.daemon.varlink;

import java.util.Set;

/**
 * One client connection, with the peer's credentials as SO_PEERCRED (uid, gid, pid) and
 * SO_PEERGROUPS (supplementary groups) reported them when it connected.
 *
 * @param id unique for the daemon's lifetime; sessions are keyed by it
 */
public record Connection(long id, int uid, int gid, int pid, Set<Integer> groups) {

    public Connection {
        groups = Set.copyOf(groups);
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
