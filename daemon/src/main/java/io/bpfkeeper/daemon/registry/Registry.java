package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every object the daemon owns, by kind and kernel id, and the sessions whose connections hold
 * session-lifetime objects. Thread-safe: calls on different connections run concurrently.
 */
public final class Registry {

    private final Map<ObjectKey, OwnedObject> objects = new ConcurrentHashMap<>();
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger lastAttachmentId = new AtomicInteger();
    private final List<LostObject> lost = new CopyOnWriteArrayList<>();

    /** The session-lifetime objects of one connection; closed once, when the connection goes. */
    private static final class Session {
        final Set<ObjectKey> keys = ConcurrentHashMap.newKeySet();
        boolean closed;
    }

    public void addListener(RegistryListener listener) {
        listeners.add(listener);
    }

    public void openSession(long sessionId) {
        sessions.put(sessionId, new Session());
    }

    /** Releases every session-lifetime object of a connection that has closed. */
    public List<OwnedObject> closeSession(long sessionId) {
        Session session = sessions.remove(sessionId);
        if (session == null) {
            return List.of();
        }
        synchronized (session) {
            session.closed = true;
        }
        List<OwnedObject> released = new ArrayList<>();
        for (ObjectKey key : session.keys) {
            release(key).ifPresent(released::add);
        }
        return released;
    }

    /**
     * Takes ownership. A session-lifetime object whose session closed meanwhile is released at once
     * and reported with {@link SessionClosedException}, so nothing outlives a vanished client.
     *
     * @throws IllegalStateException when the daemon owns this kernel object already
     */
    public <T extends OwnedObject> T add(T object) {
        if (object.lifetime() == Lifetime.SESSION) {
            Session session = sessions.get(object.sessionId());
            if (session == null) {
                object.close();
                throw new SessionClosedException(object.key());
            }
            synchronized (session) {
                if (session.closed) {
                    object.close();
                    throw new SessionClosedException(object.key());
                }
                putNew(object);
                session.keys.add(object.key());
            }
        } else {
            putNew(object);
        }
        listeners.forEach(listener -> listener.added(object));
        return object;
    }

    private void putNew(OwnedObject object) {
        if (objects.putIfAbsent(object.key(), object) != null) {
            object.close();
            throw new IllegalStateException(object.key() + " is owned already");
        }
        reserveAttachmentId(object.key());
    }

    /** A new id for a link-less attachment, which the kernel gives none; never 0, and never reused. */
    public int newAttachmentId() {
        return lastAttachmentId.incrementAndGet();
    }

    /** The last id {@link #newAttachmentId} gave or had to skip; 0 before any. */
    public int lastAttachmentId() {
        return lastAttachmentId.get();
    }

    /**
     * Keeps {@link #newAttachmentId} above {@code id}: an id that an attachment had before a restart,
     * by which its owner may still call it, goes to no other.
     */
    public void reserveAttachmentIdsUpTo(int id) {
        lastAttachmentId.accumulateAndGet(id, Math::max);
    }

    /** An attachment recovered or lost at start keeps its id, which a new one must not get. */
    private void reserveAttachmentId(ObjectKey key) {
        if (key.kind() == Kind.ATTACHMENT) {
            reserveAttachmentIdsUpTo(key.id());
        }
    }

    public Optional<OwnedObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    public Optional<OwnedObject> get(Kind kind, int id) {
        return get(new ObjectKey(kind, id));
    }

    /** Owned objects that match, ordered by kind then id, as bpftool lists them. */
    public List<OwnedObject> list(Predicate<OwnedObject> filter) {
        List<OwnedObject> matching = new ArrayList<>();
        for (OwnedObject object : objects.values()) {
            if (filter.test(object)) {
                matching.add(object);
            }
        }
        matching.sort(Comparator.comparing(OwnedObject::kind).thenComparingInt(OwnedObject::id));
        return matching;
    }

    public int size() {
        return objects.size();
    }

    /** Records an object owned before a restart that could not be taken back. It has no fd to close. */
    public void recordLost(LostObject object) {
        lost.add(object);
        reserveAttachmentId(object.key());
    }

    /** The objects owned before the last restart that could not be taken back, with the reasons. */
    public List<LostObject> lost() {
        return List.copyOf(lost);
    }

    /** The object of this kind and id that could not be taken back at the last restart, if one was lost. */
    public Optional<LostObject> lost(ObjectKey key) {
        return lost.stream().filter(object -> object.key().equals(key)).findFirst();
    }

    /** Drops the daemon's reference. Pins stay: they are holders of their own. */
    public Optional<OwnedObject> release(ObjectKey key) {
        OwnedObject object = objects.remove(key);
        if (object == null) {
            return Optional.empty();
        }
        if (object.lifetime() == Lifetime.SESSION) {
            Session session = sessions.get(object.sessionId());
            if (session != null) {
                session.keys.remove(key);
            }
        }
        object.close();
        listeners.forEach(listener -> listener.released(object));
        return Optional.of(object);
    }

    public void recordPin(OwnedObject object, Path path) {
        object.addPin(path);
        listeners.forEach(listener -> listener.changed(object));
    }

    public void forgetPin(OwnedObject object, Path path) {
        object.removePin(path);
        listeners.forEach(listener -> listener.changed(object));
    }

    /**
     * Closes every fd as the daemon stops. Listeners hear nothing: this is not a client's release,
     * so the journal and the fd store keep what they recorded for the next start.
     */
    public List<OwnedObject> closeAllForShutdown() {
        List<OwnedObject> closed = new ArrayList<>();
        for (ObjectKey key : List.copyOf(objects.keySet())) {
            OwnedObject object = objects.remove(key);
            if (object != null) {
                object.close();
                closed.add(object);
            }
        }
        sessions.clear();
        return closed;
    }
}
