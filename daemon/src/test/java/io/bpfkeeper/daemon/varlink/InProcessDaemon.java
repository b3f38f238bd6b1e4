package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A daemon of each test's own, on a private bpffs, with checked connections to it that close with
 * it. Register it on an instance field of a {@code @KernelTest} class; each test parameter of type
 * {@link CheckedConnection} is a new connection, opened in parameter order:
 *
 * <pre>{@code
 * @RegisterExtension final InProcessDaemon daemon = InProcessDaemon.withTestInterface();
 *
 * @Test void answers(CheckedConnection connection) { connection.call(...); }
 * }</pre>
 */
final class InProcessDaemon implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final boolean servesTestInterface;
    private final PrivateBpffs bpffs = new PrivateBpffs();
    private final List<CheckedConnection> connections = new ArrayList<>();
    private Gate gate;
    private TestDaemon daemon;

    private InProcessDaemon(boolean servesTestInterface) {
        this.servesTestInterface = servesTestInterface;
    }

    /** Serves what the real daemon serves, and nothing else. */
    static InProcessDaemon asShipped() {
        return new InProcessDaemon(false);
    }

    /** Serves io.bpfkeeper.test too, whose Wait calls wait at {@link #gate()}. */
    static InProcessDaemon withTestInterface() {
        return new InProcessDaemon(true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        bpffs.beforeEach(context);
        gate = new Gate();
        daemon = TestDaemon.start(bpffs.path(),
                servesTestInterface ? List.of(TestInterface.create(gate)) : List.of());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        connections.forEach(CheckedConnection::close);
        connections.clear();
        if (daemon != null) {
            // Opened first, so that no call waiting at the gate holds up the daemon's stop.
            gate.close();
            daemon.close();
            daemon = null;
        }
        bpffs.afterEach(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CheckedConnection.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return connect();
    }

    TestDaemon daemon() {
        return daemon;
    }

    Gate gate() {
        return gate;
    }

    /** A new connection, closed after the test. */
    CheckedConnection connect() {
        CheckedConnection connection = new CheckedConnection(daemon);
        connections.add(connection);
        return connection;
    }
}
