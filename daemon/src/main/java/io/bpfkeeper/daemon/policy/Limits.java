package io.bpfkeeper.daemon.policy;

/**
 * How much one uid may hold and do at once.
 *
 * @param fdStoreSlots entries of systemd's fd store, shared by every uid, that the uid's unpinned
 *     daemon-lifetime objects may take: by default 1,024, a sixteenth of bpfkeeper.service's
 *     FileDescriptorStoreMax=16384, so that no one uid fills the store
 */
public record Limits(int objects, long lockedMemoryBytes, int connections, int callsInFlight, int fdStoreSlots) {

    public static final Limits DEFAULT = new Limits(1024, 256L * 1024 * 1024, 32, 8, 1024);
}
