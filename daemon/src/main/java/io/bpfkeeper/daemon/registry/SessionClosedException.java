package io.bpfkeeper.daemon.registry;

/**
 * A session-lifetime object arrived after its connection had closed (the client left while its
 * load was running). The registry released the object at once.
 */
public final class SessionClosedException extends RuntimeException {

    public SessionClosedException(ObjectKey key) {
        super(key + " was released at once: its client disconnected before the call finished");
    }
}
