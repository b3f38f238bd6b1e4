package io.bpfkeeper.daemon.registry;

import java.util.function.Consumer;

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

    /** A listener that reacts alike to every change of an object: added, released or changed. */
    static RegistryListener onEveryChange(Consumer<OwnedObject> reaction) {
        return new RegistryListener() {
            @Override
            public void added(OwnedObject object) {
                reaction.accept(object);
            }

            @Override
            public void released(OwnedObject object) {
                reaction.accept(object);
            }

            @Override
            public void changed(OwnedObject object) {
                reaction.accept(object);
            }
        };
    }
}
