package io.bpfkeeper.daemon.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Which BPF object an arbitrary fd refers to: its kind, from the fd's anon-inode name, and its id,
 * from BPF_OBJ_GET_INFO_BY_FD. Used for pins and fds the daemon did not create itself.
 */
public record ObjectIdentity(ObjectKind kind, int id) {

    /** Maps, programs and links all report their id at offset 4 of their info struct. */
    private static final int ID_OFFSET = 4;
    /** struct bpf_btf_info reports it at offset 12. */
    private static final int BTF_ID_OFFSET = 12;
    private static final int INFO_PREFIX = 16;

    /** Identifies the object behind {@code fd}, or returns null when it is not a BPF object. */
    public static ObjectIdentity of(Fd fd) {
        ObjectKind kind = kindOf(fd);
        if (kind == null) {
            return null;
        }
        Pointer info = Memory.allocateDirect(LibC.RUNTIME, INFO_PREFIX, true);
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.Info.INFO_LEN.put(attr, INFO_PREFIX);
        BpfAttr.Info.INFO.put(attr, info.address());
        Bpf.call(BpfCommand.OBJ_GET_INFO_BY_FD, attr, BpfAttr.Info.BPF_FD, fd);
        return new ObjectIdentity(kind, info.getInt(kind == ObjectKind.BTF ? BTF_ID_OFFSET : ID_OFFSET));
    }

    private static ObjectKind kindOf(Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + lease.number()));
            return ObjectKind.fromFdLinkTarget(target.toString());
        } catch (IOException e) {
            return null;
        }
    }
}
