package io.bpfkeeper.daemon.policy;

import java.util.Set;

/** What a caller asks the daemon to do, as far as the policy cares. */
public sealed interface Request {

    /** Create a map of this type (bpftool's name). */
    record CreateMap(String mapType) implements Request {
    }

    /** Load programs of these types (bpftool's names): LoadProgram, or every program of a LoadObject. */
    record LoadPrograms(Set<String> programTypes) implements Request {
    }

    /**
     * Attach a program to a hook.
     *
     * @param hook the IDL's hook name
     * @param netns the network namespace of the device, for xdp, tcx and tc; null for other hooks
     * @param cgroup the cgroup, for the cgroup hook; null for other hooks
     */
    record Attach(String hook, Netns netns, CgroupTarget cgroup) implements Request {
    }

    /**
     * @param name as the client gave it, or "the daemon's own"
     * @param namedUnderRunNetns the name under /run/netns, when it is one; null otherwise
     * @param ownerUid the uid owning the namespace's user namespace; -1 when it is unknown
     */
    record Netns(String name, String namedUnderRunNetns, int ownerUid) {
    }

    /** @param ownerUid the owner of the cgroup's directory; -1 when it is unknown */
    record CgroupTarget(String path, int ownerUid) {
    }

    /** Pin at this path, relative to the pin root. */
    record Pin(String relativePath) implements Request {
    }

    /** Take an object that the caller did not make. */
    record AdoptForeign(String what) implements Request {
    }

    /** Describe an object that is not the caller's. */
    record Inspect(String what) implements Request {
    }

    /**
     * Own {@code adding} more objects, holding {@code held} and {@code lockedMemoryBytes} already, and
     * take {@code storeSlotsAdding} more entries of systemd's fd store, holding {@code storeSlotsHeld}.
     */
    record Own(int adding, int held, long lockedMemoryBytes, int storeSlotsAdding, int storeSlotsHeld)
            implements Request {
    }

    /** Open one more connection, with {@code open} open already. */
    record Connect(int open) implements Request {
    }

    /** Start one more call, with {@code inFlight} running already. */
    record Call(int inFlight) implements Request {
    }
}
