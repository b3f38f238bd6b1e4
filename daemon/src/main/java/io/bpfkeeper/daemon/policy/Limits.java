package io.bpfkeeper.daemon.policy;

/** How much one uid may hold and do at once. */
public record Limits(int objects, long lockedMemoryBytes, int connections, int callsInFlight) {

    public static final Limits DEFAULT = new Limits(1024, 256L * 1024 * 1024, 32, 8);
}
