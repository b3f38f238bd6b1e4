package io.bpfkeeper.daemon.registry;

/**
 * Told about every change to the registry, after it happened, on the thread that made it. The
 * state journal, the systemd fd store and the metrics follow the registry through this.
 */
public interface RegistryListener {

    default void added(OwnedObject object) {
    }

    default void released(OwnedObject object) {
    }

    /** Pins or other mutable properties changed. */
    default void changed(OwnedObject object) {
    }
}
