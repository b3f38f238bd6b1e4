package io.bpfkeeper.daemon.varlink;

/**
 * Turns whatever a handler threw, and protocol violations, into the Varlink error the client sees.
 * The server itself knows only the {@code org.varlink.service} errors; the service decides how its
 * own failures (kernel errors, say) look on the wire.
 */
public interface ErrorTranslator {

    VarlinkError translate(Throwable failure);
}
