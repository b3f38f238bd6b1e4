package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/** Pins in the BPF filesystem: BPF_OBJ_PIN, BPF_OBJ_GET, and telling a bpffs from other filesystems. */
public final class BpfFs {

    /** statfs(2) f_type of a bpffs. */
    public static final long BPF_FS_MAGIC = 0xcafe4a11L;

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

    /** Whether {@code path} lies on a bpffs. False when it does not exist. */
    public static boolean isBpfFs(Path path) {
        return FileSystemType.of(path).orElse(0) == BPF_FS_MAGIC;
    }

    /**
     * The path for the kernel, freed by the caller once the call returns: nothing reads jnr's own
     * memory after the call, so the collector could unmap it while the kernel reads the path.
     */
    private static NativeBuffer cString(Path path) {
        return NativeBuffer.copyOf(path.toString().getBytes(StandardCharsets.UTF_8));
    }
}
