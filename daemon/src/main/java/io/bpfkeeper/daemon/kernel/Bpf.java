package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Pointer;

/**
 * The bpf() syscall itself. Callers fill a {@link BpfAttr} buffer and hand it here. Public for the
 * kernel layer's subpackages, such as {@code kernel.link}.
 */
public final class Bpf {

    private Bpf() {
    }

    /** Issues the command and returns its non-negative result, or throws with the errno. */
    public static long call(BpfCommand command, Pointer attr) {
        long result = LibC.INSTANCE.syscall(LibC.SYS_BPF, command.number(), attr.address(), BpfAttr.SIZE);
        if (result < 0) {
            throw new BpfException(command.kernelName(), LibC.errno());
        }
        return result;
    }

    /** Issues a command whose result is a new file descriptor, and takes ownership of it. */
    public static Fd callForFd(BpfCommand command, Pointer attr) {
        return Fd.adopt((int) call(command, attr));
    }

    /**
     * Like {@link #call}, but returns {@code -errno} instead of throwing, for the commands where an
     * errno is an expected answer (ENOENT from a lookup, the end of an id walk).
     */
    public static long callReturningErrno(BpfCommand command, Pointer attr) {
        long result = LibC.INSTANCE.syscall(LibC.SYS_BPF, command.number(), attr.address(), BpfAttr.SIZE);
        return result < 0 ? -LibC.errno() : result;
    }

    /**
     * Like {@link #call}, with {@code fd}'s number in {@code fdField} of {@code attr}, under a lease
     * for the length of the call (see {@link Fd#lease()}).
     */
    public static long call(BpfCommand command, Pointer attr, StructField fdField, Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            fdField.put(attr, lease.number());
            return call(command, attr);
        }
    }

    /** Like {@link #callForFd}, with {@code fd}'s number in {@code fdField} of {@code attr}, under a lease. */
    public static Fd callForFd(BpfCommand command, Pointer attr, StructField fdField, Fd fd) {
        return Fd.adopt((int) call(command, attr, fdField, fd));
    }

    /** Like {@link #callReturningErrno}, with {@code fd}'s number in {@code fdField}, under a lease. */
    public static long callReturningErrno(BpfCommand command, Pointer attr, StructField fdField, Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            fdField.put(attr, lease.number());
            return callReturningErrno(command, attr);
        }
    }
}
