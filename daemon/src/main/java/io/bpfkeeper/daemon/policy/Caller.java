package io.bpfkeeper.daemon.policy;

import java.util.Set;

/**
 * Who makes a call, as the kernel told the daemon when the client connected: uid and gid from
 * SO_PEERCRED, supplementary groups from SO_PEERGROUPS. Nothing the client sends changes it.
 */
public record Caller(int uid, int gid, Set<Integer> groups) {

    public Caller {
        groups = Set.copyOf(groups);
    }

    public boolean isRoot() {
        return uid == 0;
    }

    boolean inGroup(int group) {
        return gid == group || groups.contains(group);
    }
}
