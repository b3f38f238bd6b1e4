package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProgramInfo;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Answers "who keeps this alive?" for any map, program or link on the host, owned or not: it finds
 * every holder of the lifetime model that the kernel lets it see, and says what that means.
 */
public final class Explainer {

    private final Registry registry;
    private final FdStoreLookup fdStore;
    private final PinScan pins = new PinScan();
    private final ProcessScan processes = ProcessScan.preferringIterator();

    public Explainer(Registry registry, FdStoreLookup fdStore) {
        this.registry = registry;
        this.fdStore = fdStore;
    }

    /** @param kind a map, program or link */
    public Explanation explain(ObjectKind kind, int id) {
        String subject = kind.label() + " " + id;
        Fd fd;
        try {
            fd = KernelIds.open(kind, id);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return new Explanation(false, false, List.of(), Verdict.gone(subject));
            }
            throw e;
        }
        // Our own fd keeps the object alive while we look, and as a fd of the daemon it is not reported.
        try (fd) {
            return explainOpen(kind, id, fd);
        }
    }

    private Explanation explainOpen(ObjectKind kind, int id, Fd fd) {
        ObjectKey key = new ObjectKey(ObjectKinds.wireKind(kind), id);
        Optional<OwnedObject> owned = registry.get(key);
        List<Holder> holders = new ArrayList<>();
        owned.ifPresent(object -> holders.add(
                new Holder.Daemon(object.owner().uid(), object.owner().pid(), object.lifetime())));
        fdStore.entryOf(key).ifPresent(entry -> holders.add(new Holder.FdStore(entry)));
        holders.addAll(processes.holding(kind, id));
        holders.addAll(pins.pinsOf(new ObjectIdentity(kind, id)));
        List<String> notes = new ArrayList<>();
        String subject;
        switch (kind) {
            case MAP: {
                MapInfo info = ObjectInfo.map(fd);
                subject = named("map " + id, info.name());
                boolean userReferences = !holders.isEmpty();
                holders.addAll(programsUsing(id));
                userReferenceNote(info.type(), userReferences).ifPresent(notes::add);
                break;
            }
            case PROGRAM: {
                ProgramInfo info = ObjectInfo.program(fd);
                subject = named("program " + id, info.name());
                List<LinkInfo> links = KernelWalk.links();
                links.stream().filter(link -> link.programId() == id)
                        .forEach(link -> holders.add(new Holder.Link(link.id(), link.type().name(), link.target())));
                holders.addAll(AttachmentScan.of(id, info.type(), links));
                holders.addAll(TcFilterScan.of(id, info.type()));
                holders.addAll(NetlinkXdpScan.of(id, info.type(), links));
                break;
            }
            case LINK: {
                LinkInfo info = ObjectInfo.link(fd);
                subject = "link " + id + " (" + info.type().name() + ", " + info.target() + ", holding program "
                        + info.programId() + ")";
                break;
            }
            default:
                throw new IllegalArgumentException("Explain covers maps, programs and links, not " + kind);
        }
        return new Explanation(true, owned.isPresent(), holders,
                Verdict.of(subject, holders, owned.isPresent(), notes));
    }

    private static List<Holder> programsUsing(int mapId) {
        List<Holder> users = new ArrayList<>();
        KernelWalk.each(ObjectKind.PROGRAM, fd -> {
            ProgramInfo program = ObjectInfo.program(fd);
            if (Arrays.stream(program.mapIds()).anyMatch(each -> each == mapId)) {
                users.add(new Holder.UsingProgram(program.id(), program.name()));
            }
        });
        return users;
    }

    /**
     * What the lifetime model says of maps whose contents follow their user references (fds and
     * pins) rather than the map's own life.
     */
    private static Optional<String> userReferenceNote(MapType type, boolean userReferences) {
        String what;
        if (type.equals(MapType.PROG_ARRAY)) {
            what = "empties a prog_array";
        } else if (type.equals(MapType.PERF_EVENT_ARRAY)) {
            what = "drops the entries of a perf_event_array (unless it was created with BPF_F_PRESERVE_ELEMS)";
        } else {
            return Optional.empty();
        }
        return Optional.of(userReferences
                ? "When its last fd and pin are gone, the kernel " + what + ", even while programs still use it."
                : "Its entries are gone already: the kernel " + what + " when its last fd or pin goes.");
    }

    private static String named(String subject, String name) {
        return name.isEmpty() ? subject : subject + " (" + name + ")";
    }
}
