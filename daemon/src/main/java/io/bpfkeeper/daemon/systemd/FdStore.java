package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps systemd's fd store holding exactly the unpinned daemon-lifetime objects, so that they
 * survive a restart or a crash of the daemon. Pinned objects stay out: their pins keep them alive,
 * and the store's fds cost the service manager a file each. Session objects never go in.
 *
 * <p>Every map fd goes with FDPOLL=0: a map fd has no poll operation and reports EPOLLERR, which
 * systemd otherwise takes as "close this entry" and drops the map at once.
 */
final class FdStore implements FdStoreLookup {

    private static final Logger log = LoggerFactory.getLogger(FdStore.class);

    private final Notifier notifier;
    private final Registry registry;
    /** Guarded by this: what the store holds now, by the daemon's account. */
    private final Set<ObjectKey> stored;

    /** @param handedBack the store's entries that systemd passed at start, which it still holds */
    FdStore(Notifier notifier, Registry registry, Set<ObjectKey> handedBack) {
        this.notifier = notifier;
        this.registry = registry;
        this.stored = new HashSet<>(handedBack);
    }

    static boolean belongsInStore(OwnedObject object) {
        return object.lifetime() == Lifetime.DAEMON && object.pins().isEmpty() && object.kernelObject() != null;
    }

    /**
     * Brings the store in line with the registry after recovery: entries that were not taken back
     * go, and recovered objects that belong in the store but are not there (they came back from a
     * pin) go in.
     */
    synchronized void reconcile() {
        for (ObjectKey key : List.copyOf(stored)) {
            OwnedObject object = registry.get(key).orElse(null);
            if (object == null || !belongsInStore(object)) {
                remove(key);
            }
        }
        for (OwnedObject object : registry.list(FdStore::belongsInStore)) {
            sync(object);
        }
    }

    synchronized int size() {
        return stored.size();
    }

    @Override
    public synchronized Optional<String> entryOf(ObjectKey key) {
        return stored.contains(key) ? Optional.of(FdStoreNames.of(key)) : Optional.empty();
    }

    /**
     * Stores or removes one object after any change of it, by the registry's current state rather
     * than by the event, so that events of one object racing on two threads still leave the store
     * right.
     */
    synchronized void sync(OwnedObject object) {
        ObjectKey key = object.key();
        boolean owned = registry.get(key).orElse(null) == object;
        boolean wanted = owned && belongsInStore(object);
        if (wanted && !stored.contains(key)) {
            store(object);
        } else if (!wanted && stored.contains(key)) {
            remove(key);
        }
    }

    private void store(OwnedObject object) {
        String name = FdStoreNames.of(object.key());
        if (notifier.send("FDSTORE=1\nFDNAME=" + name + "\nFDPOLL=0", object.kernelObject().fd())) {
            stored.add(object.key());
        } else {
            log.warn("{} is not in systemd's fd store: it will not survive a restart of the daemon unless it is"
                    + " pinned", object);
        }
    }

    private void remove(ObjectKey key) {
        notifier.send("FDSTOREREMOVE=1\nFDNAME=" + FdStoreNames.of(key));
        stored.remove(key);
    }
}
