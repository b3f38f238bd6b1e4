package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProgramInfo;
import java.util.function.Consumer;

/** Every program, map and link on the host, owned or not, in id order as bpftool lists them. */
public final class SystemObjects {

    private static final int[] NO_IDS = new int[0];

    private SystemObjects() {
    }

    /** Calls {@code visit} for each object of {@code kind}, reading each as it goes. */
    public static void each(ObjectKind kind, Consumer<SystemObject> visit) {
        KernelWalk.each(kind, fd -> visit.accept(read(kind, fd)));
    }

    private static SystemObject read(ObjectKind kind, Fd fd) {
        switch (kind) {
            case MAP: {
                MapInfo info = ObjectInfo.map(fd);
                return new SystemObject(kind, info.id(), info.name(), info.type().name(), NO_IDS, 0, "", -1);
            }
            case PROGRAM: {
                ProgramInfo info = ObjectInfo.program(fd);
                return new SystemObject(kind, info.id(), info.name(), info.type().name(), info.mapIds(), 0, "",
                        info.createdByUid());
            }
            case LINK: {
                LinkInfo info = ObjectInfo.link(fd);
                return new SystemObject(kind, info.id(), "", info.type().name(), NO_IDS, info.programId(),
                        info.target(), -1);
            }
            default:
                throw new IllegalArgumentException("ListAll covers maps, programs and links, not " + kind);
        }
    }
}
