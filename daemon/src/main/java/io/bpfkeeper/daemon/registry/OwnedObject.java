package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.logging.LogText;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An object the daemon owns, and what the daemon knows about it that the kernel does not (owner,
 * lifetime, labels, pins it made). It is either {@link FdHeld held through an fd} that keeps it
 * alive (a map, a program, a link), or {@link KernelHeld held by the kernel}: an attachment without a
 * link, such as a tc filter, has no fd, and the daemon only records where it is.
 */
public abstract sealed class OwnedObject permits OwnedObject.FdHeld, OwnedObject.KernelHeld {

    private final ObjectKey key;
    private final String name;
    private final String type;
    private final Owner owner;
    private final Lifetime lifetime;
    private final long sessionId;
    private final Map<String, String> labels;
    private final Instant createdAt;
    private final List<Path> pins = new CopyOnWriteArrayList<>();
    private volatile String notInFdStore;

    /** Who owns an object that no record says the owner of: only root may change it. */
    public static final Owner ROOT = new Owner(0, 0, 0);

    private OwnedObject(ObjectKey key, String name, String type, Owner owner, Lifetime lifetime, long sessionId,
            Map<String, String> labels, Instant createdAt) {
        this.key = key;
        this.name = name;
        this.type = type;
        this.owner = owner;
        this.lifetime = lifetime;
        this.sessionId = lifetime == Lifetime.SESSION ? sessionId : 0;
        this.labels = Map.copyOf(labels);
        this.createdAt = createdAt;
    }

    /** A map, a program or a link: the daemon's fd keeps it alive. */
    public static final class FdHeld extends OwnedObject {

        private final KernelObject kernelObject;
        private final Unrecorded unrecorded;

        /** @param sessionId the connection that holds a session-lifetime object; ignored for daemon lifetime */
        public FdHeld(Kind kind, KernelObject kernelObject, String name, String type, Owner owner,
                Lifetime lifetime, long sessionId, Map<String, String> labels, Instant createdAt) {
            this(kind, kernelObject, name, type, owner, lifetime, sessionId, labels, createdAt, null);
        }

        private FdHeld(Kind kind, KernelObject kernelObject, String name, String type, Owner owner,
                Lifetime lifetime, long sessionId, Map<String, String> labels, Instant createdAt,
                Unrecorded unrecorded) {
            super(new ObjectKey(kind, kernelObject.id()), name, type, owner, lifetime, sessionId, labels, createdAt);
            if (kind == Kind.ATTACHMENT) {
                throw new IllegalArgumentException("an attachment has no fd: it is KernelHeld");
            }
            this.kernelObject = kernelObject;
            this.unrecorded = unrecorded;
        }

        /**
         * A daemon-lifetime object that systemd's fd store handed back without a journal record; root owns it.
         *
         * @param labels empty when it is first found; those a root client gave it since then are recorded
         */
        public static FdHeld unrecorded(Kind kind, KernelObject kernelObject, String name, String type,
                Map<String, String> labels, Instant createdAt, Unrecorded unrecorded) {
            return new FdHeld(kind, kernelObject, name, type, ROOT, Lifetime.DAEMON, 0, labels, createdAt,
                    unrecorded);
        }

        @SuppressWarnings("unchecked")
        public <T extends KernelObject> T kernelObject() {
            return (T) kernelObject;
        }

        /** Set when systemd's fd store handed this object back without a journal record; null otherwise. */
        public Unrecorded unrecorded() {
            return unrecorded;
        }

        @Override
        void close() {
            kernelObject.close();
        }
    }

    /**
     * A link-less attachment. The kernel holds it whatever happens to the daemon, so its lifetime is
     * always the daemon's; the daemon has no reference to drop, and only forgets it.
     */
    public static final class KernelHeld extends OwnedObject {

        private final Attachment attachment;

        /** @param id a number from {@link Registry#newAttachmentId()}, since the kernel gives none */
        public KernelHeld(int id, Attachment attachment, String name, Owner owner, Map<String, String> labels,
                Instant createdAt) {
            super(new ObjectKey(Kind.ATTACHMENT, id), name, attachment.typeName(), owner, Lifetime.DAEMON, 0, labels,
                    createdAt);
            this.attachment = attachment;
        }

        public Attachment attachment() {
            return attachment;
        }

        @Override
        void close() {
        }
    }

    /**
     * This object as held through an fd, for a caller that looked it up by a kind that always is (a
     * map, a program or a link).
     *
     * @throws IllegalStateException if the kernel holds it, which only an attachment's kind allows
     */
    public FdHeld fdHeld() {
        if (this instanceof FdHeld held) {
            return held;
        }
        throw new IllegalStateException(this + " is held by the kernel, not through an fd");
    }

    public ObjectKey key() {
        return key;
    }

    public Kind kind() {
        return key.kind();
    }

    public int id() {
        return key.id();
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public Owner owner() {
        return owner;
    }

    public Lifetime lifetime() {
        return lifetime;
    }

    /** The connection this object's session lifetime follows; 0 for daemon lifetime. */
    public long sessionId() {
        return sessionId;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * Why this unpinned daemon-lifetime object is not in systemd's fd store, so that it will not
     * survive a restart of the daemon; null when it is there, or does not belong there.
     */
    public String notInFdStore() {
        return notInFdStore;
    }

    /** Set by the fd store when it has no entry for this object, with the reason; null once it has one. */
    public void markNotInFdStore(String reason) {
        notInFdStore = reason;
    }

    /** Absolute paths of the pins the daemon made or adopted, in the order they were made. */
    public List<Path> pins() {
        return List.copyOf(pins);
    }

    void addPin(Path path) {
        if (!pins.contains(path)) {
            pins.add(path);
        }
    }

    void removePin(Path path) {
        pins.remove(path);
    }

    /** Drops the daemon's reference, if it holds one. */
    abstract void close();

    /** The name as a client gave it, or an ELF object named it: escaped, since it goes into log lines. */
    @Override
    public String toString() {
        return key + " (" + LogText.escape(name) + ")";
    }
}
