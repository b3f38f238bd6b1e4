package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.ConnectionObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Session lifetime: a connection's session objects are released when it closes. */
final class Sessions implements ConnectionObserver {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final Registry registry;

    Sessions(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void opened(Connection connection) {
        registry.openSession(connection.id());
    }

    @Override
    public void closed(Connection connection) {
        List<OwnedObject> released = registry.closeSession(connection.id());
        if (!released.isEmpty()) {
            log.info("uid={} pid={} disconnected; released its session objects {}", connection.uid(),
                    connection.pid(), released);
        }
    }
}
