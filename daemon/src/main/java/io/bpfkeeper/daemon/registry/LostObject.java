package io.bpfkeeper.daemon.registry;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An object the daemon owned before it restarted and could not take back: what the journal recorded
 * of it, and why it is lost. It holds no fd; the kernel may have freed it, or another holder may
 * still keep it.
 */
public record LostObject(ObjectKey key, String name, String type, Owner owner, Map<String, String> labels,
        Instant createdAt, List<Path> pins, String reason) {

    public LostObject {
        labels = Map.copyOf(labels);
        pins = List.copyOf(pins);
    }

    @Override
    public String toString() {
        return key + " (" + name + ")";
    }
}
