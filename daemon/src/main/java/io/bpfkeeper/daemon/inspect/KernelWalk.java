package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/** Walks every object of a kind on the host by id, opening each only for as long as it takes to read it. */
final class KernelWalk {

    private KernelWalk() {
    }

    /** Calls {@code visit} with an fd of each object; objects freed during the walk are skipped. */
    static void each(ObjectKind kind, Consumer<Fd> visit) {
        for (OptionalInt id = KernelIds.next(kind, 0); id.isPresent(); id = KernelIds.next(kind, id.getAsInt())) {
            try (Fd fd = KernelIds.open(kind, id.getAsInt())) {
                visit.accept(fd);
            } catch (BpfException e) {
                // Freed between finding its id and opening it (ENOENT), or gone mid-read.
            }
        }
    }

    /** Every link on the host. */
    static List<LinkInfo> links() {
        List<LinkInfo> links = new ArrayList<>();
        each(ObjectKind.LINK, fd -> links.add(ObjectInfo.link(fd)));
        return links;
    }
}
