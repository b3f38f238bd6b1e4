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
    private static final long RESOLVE_CONFINED = 0x01 /* NO_XDEV */ | 0x02 /* NO_MAGICLINKS */
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

    /**
     * {@code path} relative to {@code directory}, confined as {@link #RESOLVE_CONFINED} says: with
     * openat2(2), or where that is missing, one name at a time (see {@link #stepwise}).
     */
    public static Fd beneath(Fd directory, String path, int flags) {
        try {
            return openat2(directory, path, flags);
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOSYS) {
                throw e;
            }
            return stepwise(directory, path, flags);
        }
    }

    /**
     * What openat2 with {@link #RESOLVE_CONFINED} does, for kernels before 5.6 and for seccomp
     * filters that predate openat2 (systemd 252's nspawn answers it with ENOSYS): each name is
     * opened with O_NOFOLLOW from the directory opened before it, so no symlink is followed; "." and
     * ".." are refused, so nothing climbs out; and each directory must be on the start's device, so
     * no mount is crossed. A trailing symlink is opened as itself under O_PATH | O_NOFOLLOW, as
     * openat2 does, and refused otherwise.
     */
    static Fd stepwise(Fd directory, String path, int flags) {
        if (path.equals(".")) {
            return relative(directory, path, flags);
        }
        String[] names = path.split("/");
        long device = PinDirectory.status(directory).device();
        Fd current = directory.dup();
        try {
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                    throw new BpfException("openat2", Errno.EXDEV);
                }
                boolean last = i == names.length - 1;
                Fd next = relative(current, name, last ? flags | O_NOFOLLOW : O_PATH | O_DIRECTORY | O_NOFOLLOW
                        | O_CLOEXEC);
                current.close();
                current = next;
                PinDirectory.FileStatus status = PinDirectory.status(current);
                if (status.device() != device) {
                    throw new BpfException("openat2", Errno.EXDEV);
                }
                if (last && status.isSymlink() && (flags & O_PATH) == 0) {
                    throw new BpfException("openat2", Errno.ELOOP);
                }
            }
            Fd opened = current;
            current = null;
            return opened;
        } finally {
            if (current != null) {
                current.close();
            }
        }
    }

    /** openat2(2): {@code path} relative to {@code directory}, resolved as {@link #RESOLVE_CONFINED} says. */
    private static Fd openat2(Fd directory, String path, int flags) {
        try (NativeBuffer name = NativeBuffer.copyOf(path.getBytes(StandardCharsets.UTF_8));
                NativeBuffer how = NativeBuffer.allocate(OPEN_HOW_SIZE); Fd.Lease lease = directory.lease()) {
            Pointer fields = how.pointer();
            fields.putLong(0, flags);
            fields.putLong(16, RESOLVE_CONFINED);
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
