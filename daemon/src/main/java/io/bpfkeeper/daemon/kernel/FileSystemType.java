package io.bpfkeeper.daemon.kernel;

import java.nio.file.Path;
import java.util.OptionalLong;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** statfs(2)'s f_type: which kind of filesystem a path, or an open file, lies on. */
public final class FileSystemType {

    /** struct statfs on x86-64 is 120 bytes; f_type is its first member. */
    private static final int STATFS_SIZE = 120;

    private FileSystemType() {
    }

    /** The f_type of the filesystem {@code path} lies on; empty when it does not exist. */
    public static OptionalLong of(Path path) {
        Pointer buf = Memory.allocateDirect(LibC.RUNTIME, STATFS_SIZE, true);
        if (LibC.INSTANCE.statfs(path.toString(), buf) != 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(buf.getLong(0));
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
