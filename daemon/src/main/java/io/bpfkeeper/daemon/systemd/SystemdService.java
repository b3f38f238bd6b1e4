package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import io.bpfkeeper.daemon.registry.FdStoreRoom;
import io.bpfkeeper.daemon.registry.Holdings;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of systemd's protocols: the listening socket of socket activation, the fd
 * store's entries handed back at start, sd_notify (READY, STATUS, STOPPING) and the watchdog.
 * Outside systemd it finds none of them and every notification does nothing.
 */
public final class SystemdService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdService.class);

    private final Notifier notifier;
    private final Optional<Watchdog> watchdog;
    private final String fdStoreSize;
    private Fd listeningSocket;
    private final Map<ObjectKey, StoredFd> handedBack;
    /** What the fd store held at start under one name each, whether or not recovery takes it back. */
    private final Map<ObjectKey, FdStoreName> handedBackNames;
    /** Store entries to remove whole: names this daemon does not give, and names that came twice. */
    private final Set<String> foreignNames;
    private Registry registry;
    private FdStoreLookup fdStore = FdStoreLookup.NONE;
    private FdStoreRoom fdStoreRoom = FdStoreRoom.NONE;

    private SystemdService(Notifier notifier, Optional<Watchdog> watchdog, String fdStoreSize, Fd listeningSocket,
            Map<ObjectKey, StoredFd> handedBack, Set<String> foreignNames) {
        this.notifier = notifier;
        this.watchdog = watchdog;
        this.fdStoreSize = fdStoreSize;
        this.listeningSocket = listeningSocket;
        this.handedBack = handedBack;
        this.handedBackNames = handedBack.values().stream().map(StoredFd::name)
                .filter(name -> !foreignNames.contains(name.text()))
                .collect(Collectors.toUnmodifiableMap(FdStoreName::key, name -> name));
        this.foreignNames = foreignNames;
    }

    /** Reads NOTIFY_SOCKET, LISTEN_* and WATCHDOG_* and takes the passed fds. */
    public static SystemdService fromEnvironment(Map<String, String> environment) {
        long pid = ProcessHandle.current().pid();
        Notifier notifier = Notifier.fromEnvironment(environment);
        Fd socket = null;
        Map<ObjectKey, StoredFd> handedBack = new HashMap<>();
        Set<String> foreignNames = new LinkedHashSet<>();
        for (ListenFds.Passed passed : ListenFds.take(environment, pid)) {
            FdStoreName name = FdStoreName.parse(passed.name());
            if (isSocket(passed.fd()) && socket == null) {
                socket = passed.fd();
            } else if (name != null && !handedBack.containsKey(name.key())) {
                handedBack.put(name.key(), new StoredFd(name, passed.fd()));
            } else {
                // A second entry of one name can only be removed with the first; the store gets the
                // recovered object again after the removal (see follow).
                log.warn("systemd passed fd {} named '{}', which is neither the listening socket nor the first fd"
                        + " stored under that name; closing it", passed.fd(), passed.name());
                passed.fd().close();
                foreignNames.add(passed.name());
            }
        }
        return new SystemdService(notifier, Watchdog.fromEnvironment(environment, pid, notifier),
                environment.get("FDSTORE"), socket, handedBack, foreignNames);
    }

    private static boolean isSocket(Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + lease.number())).toString().startsWith("socket:");
        } catch (IOException e) {
            return false;
        }
    }

    /** The socket that socket activation passed, for the caller to serve and own; empty otherwise. */
    public Optional<Fd> takeListeningSocket() {
        Optional<Fd> socket = Optional.ofNullable(listeningSocket);
        listeningSocket = null;
        return socket;
    }

    /** The fd store's entries handed back at start, by the object they claim to be; the caller owns them. */
    public Map<ObjectKey, StoredFd> takeStoredObjects() {
        Map<ObjectKey, StoredFd> taken = Map.copyOf(handedBack);
        handedBack.clear();
        return taken;
    }

    /**
     * Whether objects can survive the daemon in systemd's fd store. systemd 254 and later announce the
     * store's size in FDSTORE; older ones (Debian 12 has 252) say nothing, and bpfkeeper.service is
     * trusted to set FileDescriptorStoreMax.
     */
    public boolean hasFdStore() {
        return notifier.connected() && !"0".equals(fdStoreSize);
    }

    /** The store's size as systemd 254 and later announce it in FDSTORE; empty when it did not, or not clearly. */
    private OptionalInt fdStoreCapacity() {
        if (fdStoreSize == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseUnsignedInt(fdStoreSize));
        } catch (NumberFormatException e) {
            log.warn("FDSTORE is '{}', not a number: the size of systemd's fd store is unknown", fdStoreSize);
            return OptionalInt.empty();
        }
    }

    /**
     * From now on keeps the fd store and STATUS= in line with the registry. The store's entries that
     * recovery did not take back leave the store.
     *
     * @param afterJournal runs an action once the journal holds the change of an object just made;
     *     the store drops the object's entry only then
     * @param operations counts the entries stored and removed
     */
    public void follow(Registry registry, BiConsumer<ObjectKey, Runnable> afterJournal,
            OperationCounter operations) {
        this.registry = registry;
        if (!notifier.connected()) {
            return;
        }
        for (String name : foreignNames) {
            notifier.send("FDSTOREREMOVE=1\nFDNAME=" + name);
        }
        if (hasFdStore()) {
            OptionalInt capacity = fdStoreCapacity();
            FdStore store = new FdStore(notifier, registry, handedBackNames, capacity, afterJournal, operations);
            store.reconcile();
            registry.addListener(RegistryListener.onEveryChange(store::follow));
            fdStore = store;
            fdStoreRoom = store;
            if (capacity.isPresent()) {
                log.info("systemd's fd store holds {} unpinned daemon-lifetime objects, of at most {}"
                        + " (FileDescriptorStoreMax=); past that, such objects are refused unless pinned",
                        store.size(), capacity.getAsInt());
            } else {
                log.info("systemd's fd store holds {} unpinned daemon-lifetime objects; systemd did not say its size"
                        + " ($FDSTORE, systemd 254 and later), so the daemon cannot tell when it is full, and systemd"
                        + " drops what does not fit without a word: keep FileDescriptorStoreMax= of the unit above"
                        + " what the uids' fdStoreSlots limits allow", store.size());
            }
        }
        // Keeps systemctl status saying what the daemon holds.
        registry.addListener(RegistryListener.onEveryChange(
                object -> notifier.send("STATUS=" + Holdings.of(registry).describe())));
    }

    /** Which objects systemd's fd store holds, once {@link #follow} keeps it; none before, or without a store. */
    public FdStoreLookup fdStore() {
        return fdStore;
    }

    /** The room in systemd's fd store, once {@link #follow} keeps it; none before, or without a store. */
    public FdStoreRoom fdStoreRoom() {
        return fdStoreRoom;
    }

    /** READY=1, once recovery is done and the socket serves; starts the watchdog. */
    public void ready() {
        notifier.send("READY=1\nSTATUS=" + Holdings.of(registry).describe());
        watchdog.ifPresent(Watchdog::start);
    }

    /** STOPPING=1, as the daemon begins to stop. */
    public void stopping() {
        notifier.send("STOPPING=1\nSTATUS=stopping: finishing the calls in flight");
    }

    @Override
    public void close() {
        watchdog.ifPresent(Watchdog::close);
        takeStoredObjects().values().forEach(stored -> stored.fd().close());
        takeListeningSocket().ifPresent(Fd::close);
        notifier.close();
    }
}
