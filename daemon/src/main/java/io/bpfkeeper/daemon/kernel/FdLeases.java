package io.bpfkeeper.daemon.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Leases of several fds whose numbers go into one call's memory, such as attr.fd_array or map values
 * that are fds: they end together, once the call that reads the numbers has returned.
 */
public final class FdLeases implements AutoCloseable {

    private final List<Fd.Lease> leases = new ArrayList<>();

    /** Leases {@code fd} until this is closed and returns its number. */
    public int add(Fd fd) {
        Fd.Lease lease = fd.lease();
        leases.add(lease);
        return lease.number();
    }

    @Override
    public void close() {
        leases.forEach(Fd.Lease::close);
        leases.clear();
    }
}
