package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A method implementation with a bug never puts its connection's replies out of step with its
 * calls: the client either gets exactly one reply per call or sees the connection end.
 */
@KernelTest
class MisbehavingHandlerTest {

    private static final String GET_INFO = "org.varlink.service.GetInfo";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    private CheckedConnection connection;

    @BeforeEach
    void startDaemon() {
        daemon = TestDaemon.start(bpffs.path(), List.of(TestInterface.create(new Gate())));
        connection = new CheckedConnection(daemon);
    }

    @AfterEach
    void stopDaemon() {
        connection.close();
        daemon.close();
    }

    @Test
    void failureAfterTheReplyIsNoSecondReply() {
        connection.send("{'method': 'io.bpfkeeper.test.FailAfterReply'}");
        connection.send("{'method': 'org.varlink.service.GetInfo'}");

        assertThat(connection.readReplyTo("io.bpfkeeper.test.FailAfterReply")).isEqualTo(Json.object("{'parameters': {}}"));
        assertThat(connection.readReplyTo(GET_INFO).has("error")).isFalse();
    }

    /** The reply is lost, so the client can only be told by the end of the connection, not left waiting. */
    @Test
    void replyThatCannotBeWrittenEndsTheConnection() {
        connection.send("{'method': 'io.bpfkeeper.test.ReplyUnwritable'}");

        connection.assertClosedByServer();
        try (CheckedConnection other = new CheckedConnection(daemon)) {
            assertThat(other.call("{'method': 'org.varlink.service.GetInfo'}").has("error")).isFalse();
        }
    }
}
