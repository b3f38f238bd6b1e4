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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Answers "who keeps this alive?" for any map, program or link on the host, owned or not: it finds
 * every holder of the lifetime model that the kernel lets it see, and says what that means.
 */
public final class Explainer {

    /**
     * Runs each Explain's process scan beside the rest of its work. Threads are made as concurrent
     * Explain calls need them and end after a minute idle.
     */
    private static final Executor PROCESS_SCANS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bpfkeeper-explain-processes");
        thread.setDaemon(true);
        return thread;
    });

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
        // On a busy host the process scan is most of an Explain, and it waits on the kernel alone:
        // the rest is found meanwhile, on this thread.
        CompletableFuture<List<Holder.ProcessFd>> processHolders =
                CompletableFuture.supplyAsync(() -> processes.holding(kind, id), PROCESS_SCANS);
        ObjectKey key = new ObjectKey(ObjectKinds.wireKind(kind), id);
        Optional<OwnedObject> owned = registry.get(key);
        List<Holder> holders = new ArrayList<>();
        owned.ifPresent(object -> holders.add(
                new Holder.Daemon(object.owner().uid(), object.owner().pid(), object.lifetime())));
        fdStore.entryOf(key).ifPresent(entry -> holders.add(new Holder.FdStore(entry)));
        List<Holder.Pin> pinned = pins.pinsOf(new ObjectIdentity(kind, id));
        // Holders that the object's kind adds: programs that use a map, links and attachments of a program.
        List<Holder> byKind = new ArrayList<>();
        MapType mapType = null;
        String subject;
        switch (kind) {
            case MAP: {
                MapInfo info = ObjectInfo.map(fd);
                subject = named("map " + id, info.name());
                mapType = info.type();
                byKind.addAll(programsUsing(id));
                break;
            }
            case PROGRAM: {
                ProgramInfo info = ObjectInfo.program(fd);
                subject = named("program " + id, info.name());
                List<LinkInfo> links = KernelWalk.links();
                links.stream().filter(link -> link.programId() == id)
                        .forEach(link -> byKind.add(new Holder.Link(link.id(), link.type().name(), link.target())));
                byKind.addAll(AttachmentScan.of(id, info.type(), links));
                byKind.addAll(TcFilterScan.of(id, info.type()));
                byKind.addAll(NetlinkXdpScan.of(id, info.type(), links));
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
        holders.addAll(joined(processHolders));
        holders.addAll(pinned);
        List<String> notes = new ArrayList<>();
        if (mapType != null) {
            userReferenceNote(mapType, !holders.isEmpty()).ifPresent(notes::add);
        }
        holders.addAll(byKind);
        return new Explanation(true, owned.isPresent(), holders,
                Verdict.of(subject, holders, owned.isPresent(), notes));
    }

    /** The scan's result, or the exception it failed with, as if it had run on this thread. */
    private static <T> T joined(CompletableFuture<T> scan) {
        try {
            return scan.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
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
