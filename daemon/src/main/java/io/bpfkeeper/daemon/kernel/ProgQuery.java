package io.bpfkeeper.daemon.kernel;

import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * BPF_PROG_QUERY: which programs are attached to a hook directly, links and legacy attachments
 * alike. This is how the programs that a cgroup (or a device's tcx hook) holds are found.
 */
public final class ProgQuery {

    private static final int FIRST_CAPACITY = 64;

    private ProgQuery() {
    }

    /** Opens a cgroup v2 directory as the target of a query. */
    public static Fd openCgroup(Path directory) {
        try {
            return OpenAt.path(directory.toString(), OpenAt.O_RDONLY | OpenAt.O_DIRECTORY | OpenAt.O_CLOEXEC);
        } catch (BpfException e) {
            throw e.withContext("open cgroup " + directory);
        }
    }

    /** The ids of the programs attached to the cgroup behind {@code cgroup} at {@code type}. */
    public static int[] cgroup(Fd cgroup, AttachType type) {
        try (Fd.Lease lease = cgroup.lease()) {
            return query(lease.number(), type);
        }
    }

    /** The ids of the programs attached at the tcx or netkit hook {@code type} of device {@code ifindex}. */
    public static int[] device(int ifindex, AttachType type) {
        return query(ifindex, type);
    }

    private static int[] query(int target, AttachType type) {
        for (int capacity = FIRST_CAPACITY; ; capacity *= 4) {
            Pointer ids = Memory.allocateDirect(LibC.RUNTIME, 4L * capacity, true);
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Query.TARGET.put(attr, target);
            BpfAttr.Query.ATTACH_TYPE.put(attr, type.value());
            BpfAttr.Query.PROG_IDS.put(attr, ids.address());
            BpfAttr.Query.PROG_CNT.put(attr, capacity);
            long result = Bpf.callReturningErrno(BpfCommand.PROG_QUERY, attr);
            int count = BpfAttr.Query.PROG_CNT.getInt(attr);
            if (result == -Errno.ENOSPC && count > capacity) {
                continue;
            }
            if (result < 0) {
                throw new BpfException(BpfCommand.PROG_QUERY.kernelName(), (int) -result)
                        .withContext("query " + type + " programs");
            }
            int[] found = new int[count];
            ids.get(0, found, 0, count);
            return found;
        }
    }
}
