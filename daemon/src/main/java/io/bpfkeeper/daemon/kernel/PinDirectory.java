package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.OpenAt.O_CLOEXEC;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_DIRECTORY;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_NOFOLLOW;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_PATH;

import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A directory on a bpffs under which clients name pins (the pin root), held open, with every path
 * under it resolved from that fd by openat2: never through a symlink, never out of it, never onto
 * another mount. Clients may own directories under it and swap their entries at any moment, so
 * nothing here checks a path and uses it again: each operation works on an fd it opened, or on one
 * name inside a directory fd it opened.
 */
public final class PinDirectory implements AutoCloseable {

    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int DIRECTORY_MODE = 0755;

    private final Path path;
    private final Fd fd;
    private final boolean pinsByPathFd;

    private PinDirectory(Path path, Fd fd, boolean pinsByPathFd) {
        this.path = path;
        this.fd = fd;
        this.pinsByPathFd = pinsByPathFd;
    }

    /**
     * Opens the directory that an administrator configured (following symlinks: the path is theirs,
     * not a client's) and checks that it is a bpffs.
     *
     * @throws BpfException with ENOENT or ENOTDIR when it is no directory, EINVAL when it is not a bpffs
     */
    public static PinDirectory open(Path path) {
        return open(path, BpfFs.supportsPathFd());
    }

    /** For tests of the way without BPF_F_PATH_FD, which kernels before 6.5 take. */
    static PinDirectory open(Path path, boolean pinsByPathFd) {
        Fd fd;
        try {
            fd = OpenAt.path(path.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        } catch (BpfException e) {
            throw e.withContext("open the pin root " + path);
        }
        if (FileSystemType.of(fd) != BpfFs.BPF_FS_MAGIC) {
            fd.close();
            throw new BpfException("fstatfs", Errno.EINVAL, "the pin root " + path, "not a bpffs");
        }
        return new PinDirectory(path, fd, pinsByPathFd);
    }

    /** The path it was opened at. */
    public Path path() {
        return path;
    }

    /** The directory at {@code relative} (names separated by '/'; "" for the root itself), opened O_PATH. */
    public Fd directory(String relative) {
        return relative.isEmpty() ? fd.dup() : openBeneath(fd, relative, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    /**
     * The entry at {@code pin}, an absolute path under this directory, opened O_PATH as itself: its
     * directories are opened from this directory's fd as {@link #directory} opens them, and a
     * symlink as the last name is not followed (see {@link #entry}).
     *
     * @throws BpfException EXDEV when {@code pin} is not under this directory, and as openat2 fails
     */
    public Fd entry(Path pin) {
        Path normalized = pin.normalize();
        if (!normalized.startsWith(path) || normalized.equals(path)) {
            throw new BpfException("openat2", Errno.EXDEV, "open " + pin, "not under " + path);
        }
        Path relative = path.relativize(normalized);
        try (Fd parent = directory(relative.getParent() == null ? "" : relative.getParent().toString())) {
            return entry(parent, relative.getFileName().toString());
        }
    }

    /**
     * The entry {@code name} of {@code directory} itself, opened O_PATH: a symlink there is opened
     * as the symlink, not followed.
     */
    public static Fd entry(Fd directory, String name) {
        return openBeneath(directory, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }

    /** The subdirectory {@code name} of {@code directory}, opened O_PATH. */
    public static Fd subdirectory(Fd directory, String name) {
        return openBeneath(directory, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    /**
     * The subdirectory {@code name} of {@code directory}, made (mode 0755, owned by {@code uid} and
     * {@code gid}) if it is missing.
     */
    public static Fd makeDirectory(Fd directory, String name, int uid, int gid) {
        boolean made;
        try (Fd.Lease parent = directory.lease()) {
            made = LibC.INSTANCE.mkdirat(parent.number(), name, DIRECTORY_MODE) == 0;
            if (!made && LibC.errno() != Errno.EEXIST) {
                throw new BpfException("mkdirat", LibC.errno()).withContext("make directory " + name);
            }
        }
        return subdirectory(directory, name).into(opened -> {
            // Until this chown it is root's; whoever could swap another directory in for it can only
            // be handed one that is still root's, which it could then have made itself.
            if (made && (uid != 0 || gid != 0) && status(opened).uid() == 0) {
                chown(opened, uid, gid);
            }
            return opened;
        });
    }

    /** Pins the object behind {@code object} as {@code name} in {@code directory}. */
    public void pin(Fd object, Fd directory, String name) {
        if (pinsByPathFd) {
            BpfFs.pinAt(object, directory, name);
        } else {
            // /proc/self/fd/N names the directory that was opened and checked, whatever happens to
            // its path meanwhile.
            try (Fd.Lease parent = directory.lease()) {
                BpfFs.pin(object, Path.of("/proc/self/fd/" + parent.number(), name));
            }
        }
    }

    /** fstat of an fd, O_PATH ones included. */
    public static FileStatus status(Fd file) {
        Pointer stat = Memory.allocateDirect(LibC.RUNTIME, FileStatus.STAT_SIZE, true);
        try (Fd.Lease lease = file.lease()) {
            if (LibC.INSTANCE.fstatat(lease.number(), "", stat, AT_EMPTY_PATH) != 0) {
                throw new BpfException("fstatat", LibC.errno());
            }
        }
        return FileStatus.of(stat);
    }

    /** Gives the file behind an fd (O_PATH ones included) to {@code uid} and {@code gid}. */
    public static void chown(Fd file, int uid, int gid) {
        try (Fd.Lease lease = file.lease()) {
            if (LibC.INSTANCE.fchownat(lease.number(), "", uid, gid, AT_EMPTY_PATH) != 0) {
                throw new BpfException("fchownat", LibC.errno()).withContext("give it to uid " + uid);
            }
        }
    }

    /** Removes the entry {@code name} of {@code directory}, whatever it is now, without following it. */
    public static void unlink(Fd directory, String name) {
        try (Fd.Lease lease = directory.lease()) {
            if (LibC.INSTANCE.unlinkat(lease.number(), name, 0) != 0) {
                throw new BpfException("unlinkat", LibC.errno()).withContext("remove " + name);
            }
        }
    }

    private static Fd openBeneath(Fd directory, String relative, int flags) {
        try {
            return OpenAt.beneath(directory, relative, flags);
        } catch (BpfException e) {
            throw e.withContext("open " + relative);
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    /** What fstat says of a file: its type, mode and owner. */
    public record FileStatus(long device, int mode, int uid, int gid) {

        /** struct stat on x86-64. */
        static final int STAT_SIZE = 144;
        private static final int S_IFMT = 0170000;
        private static final int S_IFREG = 0100000;
        private static final int S_IFLNK = 0120000;
        private static final int S_IWGRP = 0020;
        private static final int S_IWOTH = 0002;

        static FileStatus of(Pointer stat) {
            // st_dev, st_mode, st_uid and st_gid of struct stat on x86-64.
            return new FileStatus(stat.getLong(0), stat.getInt(24), stat.getInt(28), stat.getInt(32));
        }

        public boolean isSymlink() {
            return (mode & S_IFMT) == S_IFLNK;
        }

        public boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        /** Whether a process of {@code uid} and primary group {@code gid} could add names to this directory. */
        public boolean writableBy(int uid, int gid) {
            return uid == 0 || this.uid == uid || (this.gid == gid && (mode & S_IWGRP) != 0) || (mode & S_IWOTH) != 0;
        }

        /** Whether anyone but the owner may add or remove names in this directory. */
        public boolean writableByOthers() {
            return (mode & (S_IWGRP | S_IWOTH)) != 0;
        }
    }
}
