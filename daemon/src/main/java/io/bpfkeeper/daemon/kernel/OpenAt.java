package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Opening files that a client names, as root, without following what the client could swap in:
 * open(2), openat(2) relative to a directory fd already checked, and openat2(2) (Linux 5.6), which
 * refuses a path that leaves its directory, crosses a mount, or passes a symlink.
 */
public final class OpenAt {

    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    /** Names the file without opening it: no driver's or FIFO's open runs, and no read is possible. */
    public static final int O_PATH = 010000000;

    /** openat2's resolve flags: stay on dirfd's mount, below dirfd, and follow no link of any kind. */
    public static final long RESOLVE_CONFINED = 0x01 /* NO_XDEV */ | 0x02 /* NO_MAGICLINKS */
            | 0x04 /* NO_SYMLINKS */ | 0x08 /* BENEATH */;

    /** struct open_how: u64 flags, u64 mode, u64 resolve. */
    private static final int OPEN_HOW_SIZE = 24;

    private OpenAt() {
    }

    /** open(2) of an absolute path. */
    public static Fd path(String path, int flags) {
        int fd = LibC.INSTANCE.open(path, flags, 0);
        if (fd < 0) {
            throw new BpfException("open", LibC.errno());
        }
        return Fd.adopt(fd);
    }

    /** openat(2): {@code path} relative to the directory {@code directory}. */
    public static Fd relative(Fd directory, String path, int flags) {
        try (Fd.Lease lease = directory.lease()) {
            int fd = LibC.INSTANCE.openat(lease.number(), path, flags, 0);
            if (fd < 0) {
                throw new BpfException("openat", LibC.errno());
            }
            return Fd.adopt(fd);
        }
    }

    /** openat2(2): {@code path} relative to {@code directory}, resolved as {@code resolve} says. */
    public static Fd beneath(Fd directory, String path, int flags, long resolve) {
        try (NativeBuffer name = NativeBuffer.copyOf(path.getBytes(StandardCharsets.UTF_8));
                NativeBuffer how = NativeBuffer.allocate(OPEN_HOW_SIZE); Fd.Lease lease = directory.lease()) {
            Pointer fields = how.pointer();
            fields.putLong(0, flags);
            fields.putLong(16, resolve);
            long fd = LibC.INSTANCE.syscall(LibC.SYS_OPENAT2, lease.number(), name.address(), how.address(),
                    OPEN_HOW_SIZE, 0, 0);
            if (fd < 0) {
                throw new BpfException("openat2", LibC.errno());
            }
            return Fd.adopt((int) fd);
        }
    }

    /**
     * Whether a failed open says only that this file cannot be had, rather than that the daemon is
     * short of fds or memory: the failures that a client must not be able to tell apart.
     */
    public static boolean deniesTheFile(BpfException failure) {
        int errno = failure.errno();
        return errno != Errno.EMFILE && errno != Errno.ENFILE && errno != Errno.ENOMEM;
    }
}
