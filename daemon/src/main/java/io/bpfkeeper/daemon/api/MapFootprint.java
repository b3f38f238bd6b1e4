package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.varlink.VarlinkError;

/**
 * The memory a map's entries ask for, {@code maxEntries × (keySize + valueSize)}, checked before
 * the kernel allocates it: a preallocated map takes it all at creation, charged to the daemon.
 */
public final class MapFootprint {

    private MapFootprint() {
    }

    public static long bytes(MapSpec spec) {
        return Integer.toUnsignedLong(spec.maxEntries())
                * (Integer.toUnsignedLong(spec.keySize()) + Integer.toUnsignedLong(spec.valueSize()));
    }

    /**
     * Refuses {@code spec} when its entries would take more than {@code budgetBytes}: the per-call
     * bound, or what remains of the caller's locked-memory budget.
     *
     * @param budget what the bound is, for the error: "the limit per map", "uid 1000's locked memory left"
     */
    public static void requireWithin(MapSpec spec, long budgetBytes, String budget) throws VarlinkError {
        long bytes = bytes(spec);
        if (bytes > budgetBytes) {
            throw ApiErrors.invalidArgument("maxEntries", "maxEntries × (keySize + valueSize) is " + bytes
                    + " bytes, more than " + budget + " of " + budgetBytes + " bytes; the map was not created");
        }
    }
}
