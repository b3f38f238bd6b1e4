package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A method implementation with a bug never puts its connection's replies out of step with its
 * calls: the client either gets exactly one reply per call or sees the connection end.
 */
@KernelTest
class MisbehavingHandlerTest {

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.withTestInterface();

    @Test
    void failureAfterTheReplyIsNoSecondReply(CheckedConnection connection) {
        connection.send("{'method': 'io.bpfkeeper.test.FailAfterReply'}");
        connection.send(Messages.GET_INFO_CALL);

        assertThat(connection.readReplyTo("io.bpfkeeper.test.FailAfterReply"))
                .isEqualTo(Json.object("{'parameters': {}}"));
        assertThat(connection.readReplyTo("org.varlink.service.GetInfo").has("error")).isFalse();
    }

    /** The reply is lost, so the client can only be told by the end of the connection, not left waiting. */
    @Test
    void replyThatCannotBeWrittenEndsTheConnection(CheckedConnection connection, CheckedConnection other) {
        connection.send("{'method': 'io.bpfkeeper.test.ReplyUnwritable'}");

        connection.assertClosedByServer();
        other.assertServes();
    }
}
