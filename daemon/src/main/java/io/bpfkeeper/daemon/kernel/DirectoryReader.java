package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads directories with getdents64 into a native buffer that it keeps, and calls a visitor with
 * each entry's name where it lies in that buffer, so that the visitor can pass the name on to a
 * system call relative to the directory (readlinkat, fstatat) without a path or a string. Scans of
 * every fd in /proc or every file in bpffs make tens of thousands of such calls, where the JDK's
 * directory streams and file attributes make a few objects per entry. Not thread-safe: a reader
 * per thread.
 */
public final class DirectoryReader {

    /** d_type of a directory and of a regular file. */
    public static final int DT_DIR = 4;
    public static final int DT_REG = 8;

    /**
     * x86-64 system call numbers, called with names where they lie in native memory: through jnr,
     * libc's wrappers would copy a Java string per call.
     */
    private static final long SYS_OPENAT = 257;
    private static final long SYS_GETDENTS64 = 217;
    private static final long SYS_NEWFSTATAT = 262;
    private static final long AT_FDCWD = -100;
    private static final long AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long AT_EMPTY_PATH = 0x1000;
    /** O_RDONLY (0) | O_DIRECTORY | O_CLOEXEC. */
    private static final long O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;

    /** struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), then the name. */
    private static final int DIRENT_RECLEN = 16;
    private static final int DIRENT_TYPE = 18;
    private static final int DIRENT_NAME = 19;

    /** struct stat of x86-64: where st_dev, st_ino, st_mtime, st_ctime and their nanoseconds are, and its size. */
    private static final int STAT_DEV = 0;
    private static final int STAT_INO = 8;
    private static final int STAT_MTIME = 88;
    private static final int STAT_MTIME_NSEC = 96;
    private static final int STAT_CTIME = 104;
    private static final int STAT_CTIME_NSEC = 112;
    private static final int STAT_SIZE = 144;

    /** Hundreds of entries per getdents64 call; a bigger directory takes more calls. */
    private static final int ENTRIES_BUFFER = 32 * 1024;
    /** PATH_MAX, with its NUL. */
    private static final int PATH_BUFFER = 4096;

    private final Pointer entries = Memory.allocateDirect(LibC.RUNTIME, ENTRIES_BUFFER, false);
    private final byte[] entryBytes = new byte[ENTRIES_BUFFER];
    private final Pointer path = Memory.allocateDirect(LibC.RUNTIME, PATH_BUFFER, false);
    private final Pointer stat = Memory.allocateDirect(LibC.RUNTIME, STAT_SIZE, false);

    /** Called with each entry of a directory but "." and "..". */
    @FunctionalInterface
    public interface EntryVisitor {
        /**
         * @param directory an fd of the directory, open during the call, for system calls relative to it
         * @param type the entry's d_type, such as {@link #DT_DIR}
         * @param nameStart where the name starts, for {@link #nameAddress} and {@link #name}
         * @param nameEnd where it ends, at its NUL
         */
        void visit(int directory, int type, int nameStart, int nameEnd);
    }

    /** Which file, and which version of it: its device and inode, and when it was last modified. */
    public record FileVersion(long device, long inode, long modifiedSeconds, long modifiedNanoseconds) {
    }

    /**
     * Which directory, and which version of its entries: its device and inode, and when it was last
     * modified and last changed. Creating, removing or renaming an entry sets both times; setting
     * the modification time by hand still sets the change time.
     */
    public record DirectoryVersion(long device, long inode, long modifiedSeconds, long modifiedNanoseconds,
            long changedSeconds, long changedNanoseconds) {

        /** The later of the two times, in milliseconds since the epoch, truncated. */
        public long lastTouchedMillis() {
            return Math.max(modifiedSeconds * 1000 + modifiedNanoseconds / 1_000_000,
                    changedSeconds * 1000 + changedNanoseconds / 1_000_000);
        }
    }

    /**
     * Calls {@code visitor} with each entry of the directory whose path is the first {@code length}
     * bytes of {@code path}. Nothing when it cannot be opened (it is gone, or not a directory, or
     * not ours to read); when a read fails midway (a process exited), the entries so far stand.
     */
    public void list(byte[] pathBytes, int length, EntryVisitor visitor) {
        if (!putPath(pathBytes, length)) {
            return;
        }
        long directory = LibC.INSTANCE.syscall(SYS_OPENAT, AT_FDCWD, path.address(), O_RDONLY_DIRECTORY_CLOEXEC,
                0, 0, 0);
        if (directory < 0) {
            return;
        }
        try {
            read(directory, visitor);
        } finally {
            LibC.INSTANCE.close((int) directory);
        }
    }

    /**
     * Calls {@code visitor} with each entry of a directory opened for reading (not O_PATH), from its
     * current position; when a read fails midway, the entries so far stand.
     */
    public void list(Fd directory, EntryVisitor visitor) {
        try (Fd.Lease lease = directory.lease()) {
            read(lease.number(), visitor);
        }
    }

    private void read(long directory, EntryVisitor visitor) {
        for (long read = getdents(directory); read > 0; read = getdents(directory)) {
            entries.get(0, entryBytes, 0, (int) read);
            for (int offset = 0; offset < read; offset += u16(offset + DIRENT_RECLEN)) {
                int start = offset + DIRENT_NAME;
                int end = start;
                while (entryBytes[end] != 0) {
                    end++;
                }
                if (!isDotOrDotDot(start, end)) {
                    visitor.visit((int) directory, entryBytes[offset + DIRENT_TYPE], start, end);
                }
            }
        }
    }

    /** The native address of an entry's NUL-terminated name, valid during the visit. */
    public long nameAddress(int nameStart) {
        return entries.address() + nameStart;
    }

    public String name(int nameStart, int nameEnd) {
        return new String(entryBytes, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
    }

    /** The decimal number that an entry's name spells, or 0 when it spells none (such as "self"). */
    public int number(int nameStart, int nameEnd) {
        if (nameEnd - nameStart > 9) {
            return 0;
        }
        int value = 0;
        for (int i = nameStart; i < nameEnd; i++) {
            byte digit = entryBytes[i];
            if (digit < '0' || digit > '9') {
                return 0;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    /** fstatat of an entry, without following a symlink; null when it is gone. */
    public FileVersion version(int directory, int nameStart) {
        if (LibC.INSTANCE.syscall(SYS_NEWFSTATAT, directory, nameAddress(nameStart), stat.address(),
                AT_SYMLINK_NOFOLLOW, 0, 0) < 0) {
            return null;
        }
        return new FileVersion(stat.getLong(STAT_DEV), stat.getLong(STAT_INO), stat.getLong(STAT_MTIME),
                stat.getLong(STAT_MTIME_NSEC));
    }

    /** fstat of an open directory. */
    public DirectoryVersion directoryVersion(Fd directory) {
        path.putByte(0, (byte) 0);
        try (Fd.Lease lease = directory.lease()) {
            if (LibC.INSTANCE.syscall(SYS_NEWFSTATAT, lease.number(), path.address(), stat.address(), AT_EMPTY_PATH, 0,
                    0) < 0) {
                throw new BpfException("fstatat", LibC.errno());
            }
        }
        return new DirectoryVersion(stat.getLong(STAT_DEV), stat.getLong(STAT_INO), stat.getLong(STAT_MTIME),
                stat.getLong(STAT_MTIME_NSEC), stat.getLong(STAT_CTIME), stat.getLong(STAT_CTIME_NSEC));
    }

    /** Copies a path into the native path buffer with its NUL; false when it is longer than PATH_MAX allows. */
    private boolean putPath(byte[] pathBytes, int length) {
        if (length >= PATH_BUFFER) {
            return false;
        }
        path.put(0, pathBytes, 0, length);
        path.putByte(length, (byte) 0);
        return true;
    }

    private long getdents(long directory) {
        return LibC.INSTANCE.syscall(SYS_GETDENTS64, directory, entries.address(), ENTRIES_BUFFER);
    }

    private boolean isDotOrDotDot(int start, int end) {
        return entryBytes[start] == '.' && (end == start + 1 || end == start + 2 && entryBytes[start + 1] == '.');
    }

    private int u16(int offset) {
        return (entryBytes[offset] & 0xff) | (entryBytes[offset + 1] & 0xff) << 8;
    }
}
