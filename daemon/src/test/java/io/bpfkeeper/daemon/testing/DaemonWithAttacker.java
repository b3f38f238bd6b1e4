package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the trust tests: each test gets a bpffs of its own, a daemon pinning into it, a
 * connection of root's, and the attacker: a real user ({@link TestUser}) admitted to the socket's
 * group as a deployment admits one, with a connection whose SO_PEERCRED is its own. A test class
 * extends it and, with {@link KernelTest}, uses these fields as its own, so that each test is the
 * attack and its judgement.
 *
 * <p>The daemon starts without a policy directory. A class whose attack needs the policy overrides
 * {@link #startDaemon}, for instance with {@link TestDaemon#startGranting} in {@link #policyDir}.
 */
public abstract class DaemonWithAttacker {

    @RegisterExtension
    protected final PrivateBpffs bpffs = new PrivateBpffs();

    /** Empty at the start of each test; a daemon that {@link #startDaemon} starts with it reads it. */
    @TempDir
    protected Path policyDir;

    protected TestDaemon daemon;
    /** Root's connection: whose objects the attacker goes after. */
    protected BpfkeeperClient root;
    /** The user who attacks; {@link TestUser#run} acts as it outside the daemon, such as its renames. */
    protected TestUser attacker;
    /** The attacker's connection: every attack on the daemon goes through it. */
    protected BpfkeeperClient client;

    @BeforeEach
    void startTheDaemonAndAdmitTheAttacker() throws Exception {
        attacker = TestUser.create();
        daemon = startDaemon();
        daemon.admit(attacker);
        root = daemon.client();
        client = attacker.client(daemon.socket());
    }

    /** The daemon of each test, on {@link #bpffs}. {@link #attacker} exists already, not yet admitted. */
    protected TestDaemon startDaemon() {
        return TestDaemon.start(bpffs.path());
    }

    @AfterEach
    void stopTheDaemonAndRemoveTheAttacker() {
        try (TestUser user = attacker; TestDaemon stopped = daemon; BpfkeeperClient roots = root;
                BpfkeeperClient attackers = client) {
            // Closed in reverse: the connections, the daemon, then the user, whichever of them started.
        }
    }
}
