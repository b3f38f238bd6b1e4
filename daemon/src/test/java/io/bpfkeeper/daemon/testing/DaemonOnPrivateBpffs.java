package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fixture of most API tests: each test gets a bpffs of its own, a daemon pinning into it, and
 * one client of that daemon. A test class extends it and, with {@link KernelTest}, uses
 * {@link #bpffs}, {@link #daemon} and {@link #client} as its own fields.
 */
public abstract class DaemonOnPrivateBpffs {

    @RegisterExtension
    protected final PrivateBpffs bpffs = new PrivateBpffs();

    protected TestDaemon daemon;
    protected BpfkeeperClient client;

    @BeforeEach
    void startDaemonAndClient() {
        daemon = TestDaemon.start(bpffs.path());
        client = daemon.client();
    }

    @AfterEach
    void stopClientAndDaemon() {
        client.close();
        daemon.close();
    }
}
