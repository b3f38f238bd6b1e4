package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.Bpf;
import io.bpfkeeper.daemon.kernel.BpfAttr;
import io.bpfkeeper.daemon.kernel.BpfCommand;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import jnr.ffi.Pointer;

/**
 * BPF iterators: a tracing program loaded for an iterator, such as one from SEC("iter/task"), is
 * attached as a link once; every {@link #open} of the link makes a file that runs the program
 * over the kernel's objects as it is read, and reads what the program wrote.
 */
public final class BpfIterator {

    private static final AttachType TRACE_ITER = AttachType.byName("trace_iter").orElseThrow();

    private BpfIterator() {
    }

    /** The iterator link of {@code program} (BPF_LINK_CREATE, BPF_TRACE_ITER); it holds the program. */
    public static Fd attach(BpfProgram program) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.LinkCreate.ATTACH_TYPE.put(attr, TRACE_ITER.value());
        try {
            return Bpf.callForFd(BpfCommand.LINK_CREATE, attr, BpfAttr.LinkCreate.PROG_FD, program.fd());
        } catch (BpfException e) {
            throw e.withContext("attach iterator " + program);
        }
    }

    /** A new pass of the iterator {@code link} (BPF_ITER_CREATE), to read to its end and close. */
    public static Fd open(Fd link) {
        Pointer attr = BpfAttr.zeroed();
        try {
            return Bpf.callForFd(BpfCommand.ITER_CREATE, attr, BpfAttr.IterCreate.LINK_FD, link);
        } catch (BpfException e) {
            throw e.withContext("open iterator link");
        }
    }
}
