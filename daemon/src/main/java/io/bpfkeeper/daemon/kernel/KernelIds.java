package io.bpfkeeper.daemon.kernel;

import java.util.OptionalInt;
import jnr.ffi.Pointer;

/** Walking the kernel's objects by id (BPF_*_GET_NEXT_ID) and opening them (BPF_*_GET_FD_BY_ID). */
public final class KernelIds {

    private KernelIds() {
    }

    /** The next id of this kind after {@code id} (0 for the first), or empty at the end. */
    public static OptionalInt next(ObjectKind kind, int id) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.ById.START_ID.put(attr, id);
        long result = Bpf.callReturningErrno(kind.nextId, attr);
        if (result == -Errno.ENOENT) {
            return OptionalInt.empty();
        }
        if (result < 0) {
            throw new BpfException(kind.nextId.kernelName(), (int) -result);
        }
        return OptionalInt.of(BpfAttr.ById.NEXT_ID.getInt(attr));
    }

    /** Opens the object with this id; the new fd holds a reference of its own. */
    public static Fd open(ObjectKind kind, int id) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.ById.START_ID.put(attr, id);
        try {
            return Bpf.callForFd(kind.fdById, attr);
        } catch (BpfException e) {
            throw e.withContext("open " + kind.label() + " " + id);
        }
    }

    /** Whether an object with this id exists now. Frees are asynchronous, so poll this to see one. */
    public static boolean exists(ObjectKind kind, int id) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.ById.START_ID.put(attr, id);
        long result = Bpf.callReturningErrno(kind.fdById, attr);
        if (result >= 0) {
            Fd.adopt((int) result).close();
            return true;
        }
        if (result == -Errno.ENOENT) {
            return false;
        }
        throw new BpfException(kind.fdById.kernelName(), (int) -result);
    }
}
