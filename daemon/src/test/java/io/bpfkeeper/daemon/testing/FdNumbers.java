package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.Fd;

/** The raw number of an fd, for tests that compare numbers or hand them to a process or the kernel. */
public final class FdNumbers {

    private FdNumbers() {
    }

    /** The number of an open fd; meaningful for as long as the test keeps the fd open. */
    public static int of(Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            return lease.number();
        }
    }
}
