package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import io.bpfkeeper.daemon.registry.FdStoreRoom;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
 * <p>Past FileDescriptorStoreMax=, systemd drops an fd without a word. Where systemd said the
 * store's size ($FDSTORE), the store counts its entries and sends none past it: an object that finds
 * no room is kept, marked as one that will not survive a restart ({@link OwnedObject#notInFdStore}),
 * the log says so, and it goes in once an entry is free. The API refuses such objects before they
 * are made ({@link FdStoreRoom}), so only calls racing for the last entries meet this.
 *
 * <p>Every map fd goes with FDPOLL=0: a map fd has no poll operation and reports EPOLLERR, which
 * systemd otherwise takes as "close this entry" and drops the map at once.
 */
final class FdStore implements FdStoreLookup, FdStoreRoom {

    private static final Logger log = LoggerFactory.getLogger(FdStore.class);

    private final Notifier notifier;
    private final Registry registry;
    private final OptionalInt capacity;
    private final BiConsumer<ObjectKey, Runnable> afterJournal;
    private final OperationCounter operations;
    /** Guarded by this: what the store holds now, by the daemon's account, under which name and for whom. */
    private final Map<ObjectKey, Entry> stored = new HashMap<>();
    /** Guarded by this: the entries of {@link #stored} by the uid that owns their object. */
    private final Map<Integer, Integer> storedByOwner = new HashMap<>();
    /** Guarded by this: objects that belong in the store and found it full, oldest first. */
    private final Map<ObjectKey, OwnedObject> waiting = new LinkedHashMap<>();

    /** One entry of the store; {@code ownerUid} counts it against that uid's share. */
    private record Entry(FdStoreName name, int ownerUid) {
    }

    /**
     * @param handedBack the store's entries that systemd passed at start, which it still holds
     * @param capacity the store's size, when systemd said it
     * @param afterJournal runs an action once the journal holds the change of an object just made
     * @param operations counts what is sent to systemd
     */
    FdStore(Notifier notifier, Registry registry, Map<ObjectKey, FdStoreName> handedBack, OptionalInt capacity,
            BiConsumer<ObjectKey, Runnable> afterJournal, OperationCounter operations) {
        this.notifier = notifier;
        this.registry = registry;
        this.capacity = capacity;
        this.afterJournal = afterJournal;
        this.operations = operations;
        handedBack.forEach((key, name) -> put(key, new Entry(name,
                registry.get(key).map(object -> object.owner().uid()).orElse(0))));
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
            warnIfWaiting(object);
        }
    }

    synchronized int size() {
        return stored.size();
    }

    @Override
    public synchronized Optional<String> entryOf(ObjectKey key) {
        return Optional.ofNullable(stored.get(key)).map(entry -> entry.name().text());
    }

    @Override
    public boolean inUse() {
        return true;
    }

    @Override
    public OptionalInt capacity() {
        return capacity;
    }

    @Override
    public synchronized int used() {
        return stored.size();
    }

    @Override
    public synchronized int usedBy(int uid) {
        return storedByOwner.getOrDefault(uid, 0);
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
        } else if (isWaiting(object)) {
            // Said once the call is over: an object pinned right after it was made never needed an entry.
            afterJournal.accept(object.key(), () -> warnIfWaiting(object));
        }
    }

    private synchronized boolean isWaiting(OwnedObject object) {
        return waiting.get(object.key()) == object;
    }

    private synchronized void warnIfWaiting(OwnedObject object) {
        if (isWaiting(object) && wanted(object)) {
            log.warn("{} is not in systemd's fd store, which is full (FileDescriptorStoreMax={} of the unit): it will"
                    + " not survive a restart of the daemon unless it is pinned; it goes in once an entry is free",
                    object, capacity.getAsInt());
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
        if (!wanted(object)) {
            if (waiting.remove(object.key()) != null) {
                object.markNotInFdStore(null);
            }
            if (stored.containsKey(object.key())) {
                remove(object.key());
            }
        }
    }

    private boolean full() {
        return capacity.isPresent() && stored.size() >= capacity.getAsInt();
    }

    private void store(OwnedObject object) {
        if (full()) {
            if (waiting.put(object.key(), object) == null) {
                String reason = "systemd's fd store is full (FileDescriptorStoreMax=" + capacity.getAsInt()
                        + "): it will not survive a restart of the daemon unless it is pinned, until an entry is free";
                object.markNotInFdStore(reason);
                operations.count("store", false);
            }
            return;
        }
        FdStoreName name = FdStoreName.of(object.key(), object.owner().uid());
        boolean sent = notifier.send("FDSTORE=1\nFDNAME=" + name + "\nFDPOLL=0", object.fdHeld().kernelObject().fd());
        operations.count("store", sent);
        if (sent) {
            put(object.key(), new Entry(name, object.owner().uid()));
            if (waiting.remove(object.key()) != null) {
                object.markNotInFdStore(null);
                log.info("{} is in systemd's fd store now: it survives a restart of the daemon", object);
            }
        } else {
            log.warn("{} is not in systemd's fd store: it will not survive a restart of the daemon unless it is"
                    + " pinned", object);
        }
    }

    private void put(ObjectKey key, Entry entry) {
        stored.put(key, entry);
        storedByOwner.merge(entry.ownerUid(), 1, Integer::sum);
    }

    private void remove(ObjectKey key) {
        Entry entry = stored.remove(key);
        storedByOwner.merge(entry.ownerUid(), -1, (held, freed) -> held + freed == 0 ? null : held + freed);
        operations.count("remove", notifier.send("FDSTOREREMOVE=1\nFDNAME=" + entry.name()));
        // The freed entry goes to the object that has waited longest for one.
        for (OwnedObject object : List.copyOf(waiting.values())) {
            if (!wanted(object)) {
                waiting.remove(object.key());
                object.markNotInFdStore(null);
            } else if (!full()) {
                store(object);
            }
        }
    }
}
