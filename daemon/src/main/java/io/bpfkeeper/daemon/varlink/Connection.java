package io.bpfkeeper.daemon.varlink;

/**
 * One client connection, with the peer's credentials as SO_PEERCRED reported them when it
 * connected.
 *
 * @param id unique for the daemon's lifetime; sessions are keyed by it
 */
public record Connection(long id, int uid, int gid, int pid) {

    public boolean isRoot() {
        return uid == 0;
    }
}
