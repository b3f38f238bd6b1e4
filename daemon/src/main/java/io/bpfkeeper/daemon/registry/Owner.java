package io.bpfkeeper.daemon.registry;

/** The client that created or adopted an object, from SO_PEERCRED. */
public record Owner(int uid, int gid, int pid) {
}
