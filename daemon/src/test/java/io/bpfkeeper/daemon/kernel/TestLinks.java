package io.bpfkeeper.daemon.kernel;

import io.bpfkeeper.daemon.testing.FdNumbers;
import jnr.ffi.Pointer;

/**
 * BPF_LINK_CREATE for tests, until the daemon attaches programs itself: the tests of Explain need
 * links to find.
 */
public final class TestLinks {

    private TestLinks() {
    }

    /** Attaches the program behind {@code program} to the cgroup behind {@code cgroup} with a link. */
    public static Fd cgroupLink(Fd program, Fd cgroup, AttachType type) {
        Pointer attr = BpfAttr.zeroed();
        attr.putInt(0, FdNumbers.of(program)); // link_create.prog_fd
        attr.putInt(4, FdNumbers.of(cgroup)); // link_create.target_fd
        attr.putInt(8, type.value()); // link_create.attach_type
        return Bpf.callForFd(BpfCommand.LINK_CREATE, attr);
    }
}
