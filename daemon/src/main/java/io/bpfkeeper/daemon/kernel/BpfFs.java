package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/** Pins in the BPF filesystem: BPF_OBJ_PIN, BPF_OBJ_GET, and telling a bpffs from other filesystems. */
public final class BpfFs {

    /** statfs(2) f_type of a bpffs. */
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;
    /** BPF_OBJ_PIN and BPF_OBJ_GET resolve the path relative to attr.path_fd (kernel 6.5). */
    private static final int BPF_F_PATH_FD = 1 << 14;
    private static final int AT_FDCWD = -100;

    private BpfFs() {
    }

    /** Pins the object behind {@code fd} at {@code path}; the pin holds its own reference. */
    public static void pin(Fd fd, Path path) {
        try (NativeBuffer name = cString(path)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Obj.PATHNAME.put(attr, name.address());
            Bpf.call(BpfCommand.OBJ_PIN, attr, BpfAttr.Obj.BPF_FD, fd);
        } catch (BpfException e) {
            throw e.withContext("pin at " + path);
        }
    }

    /** Opens the object pinned at {@code path}, read-write. */
    public static Fd open(Path path) {
        try (NativeBuffer name = cString(path)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Obj.PATHNAME.put(attr, name.address());
            return Bpf.callForFd(BpfCommand.OBJ_GET, attr);
        } catch (BpfException e) {
            throw e.withContext("open pin " + path);
        }
    }

    /** Pins the object behind {@code fd} as {@code name} in {@code directory}, with BPF_F_PATH_FD. */
    static void pinAt(Fd fd, Fd directory, String name) {
        try (NativeBuffer path = NativeBuffer.copyOf(name.getBytes(StandardCharsets.UTF_8))) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Obj.PATHNAME.put(attr, path.address());
            BpfAttr.Obj.FILE_FLAGS.put(attr, BPF_F_PATH_FD);
            try (Fd.Lease at = directory.lease()) {
                BpfAttr.Obj.PATH_FD.put(attr, at.number());
                Bpf.call(BpfCommand.OBJ_PIN, attr, BpfAttr.Obj.BPF_FD, fd);
            }
        } catch (BpfException e) {
            throw e.withContext("pin at " + name);
        }
    }

    /**
     * Opens the object pinned at the file that {@code entry} (an O_PATH fd) refers to: the file that
     * was opened and checked, not whatever its name means by now. BPF_OBJ_GET resolves no empty path
     * relative to an fd, even with BPF_F_PATH_FD, so this goes through /proc/self/fd.
     */
    public static Fd open(Fd entry) {
        try (Fd.Lease lease = entry.lease()) {
            return open(Path.of("/proc/self/fd/" + lease.number()));
        }
    }

    /** Whether this kernel takes BPF_F_PATH_FD: it answers an empty path with ENOENT, older ones with EINVAL. */
    static boolean supportsPathFd() {
        try (NativeBuffer empty = NativeBuffer.allocate(1)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Obj.PATHNAME.put(attr, empty.address());
            BpfAttr.Obj.FILE_FLAGS.put(attr, BPF_F_PATH_FD);
            BpfAttr.Obj.PATH_FD.put(attr, AT_FDCWD);
            long result = Bpf.callReturningErrno(BpfCommand.OBJ_GET, attr);
            if (result >= 0) {
                LibC.INSTANCE.close((int) result);
            }
            return result != -Errno.EINVAL;
        }
    }

    /**
     * The path for the kernel, freed by the caller once the call returns: nothing reads jnr's own
     * memory after the call, so the collector could unmap it while the kernel reads the path.
     */
    private static NativeBuffer cString(Path path) {
        return NativeBuffer.copyOf(path.toString().getBytes(StandardCharsets.UTF_8));
    }
}
