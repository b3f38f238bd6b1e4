package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.daemon.kernel.KernelObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An object the daemon owns: the fd that keeps it alive, and what the daemon knows about it that
 * the kernel does not (owner, lifetime, labels, pins it made).
 */
public final class OwnedObject {

    private final ObjectKey key;
    private final String name;
    private final String type;
    private final Owner owner;
    private final Lifetime lifetime;
    private final long sessionId;
    private final Map<String, String> labels;
    private final Instant createdAt;
    private final KernelObject kernelObject;
    private final List<Path> pins = new CopyOnWriteArrayList<>();

    /**
     * @param sessionId the connection that holds a session-lifetime object; ignored for daemon lifetime
     * @param kernelObject the fd holder; null only for link-less attachments, which the kernel holds
     */
    public OwnedObject(Kind kind, KernelObject kernelObject, String name, String type, Owner owner,
            Lifetime lifetime, long sessionId, Map<String, String> labels, Instant createdAt) {
        this.key = new ObjectKey(kind, kernelObject.id());
        this.kernelObject = kernelObject;
        this.name = name;
        this.type = type;
        this.owner = owner;
        this.lifetime = lifetime;
        this.sessionId = lifetime == Lifetime.SESSION ? sessionId : 0;
        this.labels = Map.copyOf(labels);
        this.createdAt = createdAt;
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

    @SuppressWarnings("unchecked")
    public <T extends KernelObject> T kernelObject() {
        return (T) kernelObject;
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

    /** Drops the daemon's reference. */
    void close() {
        kernelObject.close();
    }

    @Override
    public String toString() {
        return key + " (" + name + ")";
    }
}
