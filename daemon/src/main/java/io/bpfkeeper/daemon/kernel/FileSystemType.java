package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** fstatfs(2)'s f_type: which kind of filesystem an open file lies on. */
public final class FileSystemType {

    /** struct statfs on x86-64 is 120 bytes; f_type is its first member. */
    private static final int STATFS_SIZE = 120;

    private FileSystemType() {
    }

    /** The f_type of the filesystem of an open file, which no rename can change under us. */
    public static long of(Fd fd) {
        Pointer buf = Memory.allocateDirect(LibC.RUNTIME, STATFS_SIZE, true);
        try (Fd.Lease lease = fd.lease()) {
            if (LibC.INSTANCE.fstatfs(lease.number(), buf) != 0) {
                throw new BpfException("fstatfs", LibC.errno());
            }
        }
        return buf.getLong(0);
    }
}
