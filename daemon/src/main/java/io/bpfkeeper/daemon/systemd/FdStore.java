package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps systemd's fd store holding exactly the unpinned daemon-lifetime objects, so that they
 * survive a restart or a crash of the daemon. Pinned objects stay out: their pins keep them alive,
 * and the store's fds cost the service manager a file each. Session objects never go in.
 *
 * <p>The store and the journal change in the order that lets no crash lose what the journal records:
 * an object goes into the store before the journal records it, and leaves the store only once the
 * journal no longer needs the store to hold it (it was released, or a pin it records holds it). A
 * crash in between leaves a store entry that the journal does not know, which the next start keeps;
 * never a record whose object nothing holds.
 *
 * <p>Every map fd goes with FDPOLL=0: a map fd has no poll operation and reports EPOLLERR, which
 * systemd otherwise takes as "close this entry" and drops the map at once.
 */
final class FdStore implements FdStoreLookup {

    private static final Logger log = LoggerFactory.getLogger(FdStore.class);

    private final Notifier notifier;
    private final Registry registry;
    private final BiConsumer<ObjectKey, Runnable> afterJournal;
    private final OperationCounter operations;
    /** Guarded by this: what the store holds now, by the daemon's account, under which name. */
    private final Map<ObjectKey, FdStoreName> stored;

    /**
     * @param handedBack the store's entries that systemd passed at start, which it still holds
     * @param afterJournal runs an action once the journal holds the change of an object just made
     * @param operations counts what is sent to systemd
     */
    FdStore(Notifier notifier, Registry registry, Map<ObjectKey, FdStoreName> handedBack,
            BiConsumer<ObjectKey, Runnable> afterJournal, OperationCounter operations) {
        this.notifier = notifier;
        this.registry = registry;
        this.afterJournal = afterJournal;
        this.operations = operations;
        this.stored = new HashMap<>(handedBack);
    }

    static boolean belongsInStore(OwnedObject object) {
        return object.lifetime() == Lifetime.DAEMON && object.pins().isEmpty() && object instanceof OwnedObject.FdHeld;
    }

    /**
     * Brings the store in line with the registry after recovery, whose journal is durable: entries
     * that were not taken back go, and so do those of objects that a recorded pin holds; recovered
     * objects that belong in the store but are not there (they came back from a pin) go in.
     */
    synchronized void reconcile() {
        for (ObjectKey key : List.copyOf(stored.keySet())) {
            OwnedObject object = registry.get(key).orElse(null);
            if (object == null || !belongsInStore(object)) {
                remove(key);
            }
        }
        for (OwnedObject object : registry.list(FdStore::belongsInStore)) {
            storeIfWanted(object);
        }
    }

    synchronized int size() {
        return stored.size();
    }

    @Override
    public synchronized Optional<String> entryOf(ObjectKey key) {
        return Optional.ofNullable(stored.get(key)).map(FdStoreName::text);
    }

    /**
     * Follows one change of an object: stores it now if it belongs in the store, and removes it once
     * the journal is durable if it no longer does. Both go by the registry's state at the time, not
     * by the event, so that events of one object racing on two threads still leave the store right.
     */
    void follow(OwnedObject object) {
        if (object.lifetime() != Lifetime.DAEMON) {
            return;
        }
        storeIfWanted(object);
        if (!wanted(object)) {
            afterJournal.accept(object.key(), () -> removeIfUnwanted(object));
        }
    }

    private boolean wanted(OwnedObject object) {
        return registry.get(object.key()).orElse(null) == object && belongsInStore(object);
    }

    private synchronized void storeIfWanted(OwnedObject object) {
        if (wanted(object) && !stored.containsKey(object.key())) {
            store(object);
        }
    }

    private synchronized void removeIfUnwanted(OwnedObject object) {
        if (!wanted(object) && stored.containsKey(object.key())) {
            remove(object.key());
        }
    }

    private void store(OwnedObject object) {
        FdStoreName name = FdStoreName.of(object.key(), object.owner().uid());
        boolean sent = notifier.send("FDSTORE=1\nFDNAME=" + name + "\nFDPOLL=0", object.fdHeld().kernelObject().fd());
        operations.count("store", sent);
        if (sent) {
            stored.put(object.key(), name);
        } else {
            log.warn("{} is not in systemd's fd store: it will not survive a restart of the daemon unless it is"
                    + " pinned", object);
        }
    }

    private void remove(ObjectKey key) {
        operations.count("remove", notifier.send("FDSTOREREMOVE=1\nFDNAME=" + stored.remove(key)));
    }
}
