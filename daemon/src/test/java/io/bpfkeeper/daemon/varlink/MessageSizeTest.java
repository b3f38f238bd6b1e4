package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The message size limit (16 MiB by default) bounds what one client can make the daemon buffer. */
@KernelTest
class MessageSizeTest {

    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    @Test
    void messageOverTheLimitIsMessageTooLargeThenClosed(CheckedConnection bystander,
            CheckedConnection sender) {
        byte[] endless = new byte[17 * MIB];
        Arrays.fill(endless, (byte) ' ');

        try {
            sender.sendRaw(endless);
        } catch (UncheckedIOException expected) {
            // The daemon stops reading at the limit and closes, so the rest of the write may fail.
        }

        assertThat(sender.readError()).isEqualTo(Json.object("""
                {'error': 'io.bpfkeeper.MessageTooLarge', 'parameters': {
                  'limit': 16777216,
                  'message': 'message longer than the limit of 16777216 bytes; the connection is closed'}}"""));
        sender.assertClosedByServer();
        bystander.assertServes();
    }

    /** Just under the limit is a message like any other: the method sees it and judges the value. */
    @Test
    void messageJustUnderTheLimitIsServed(CheckedConnection sender) {
        String name = "n".repeat(15 * MIB);

        JsonNode reply = sender.call(Messages.createMap(name));

        assertThat(reply.get("error").asText()).isEqualTo("io.bpfkeeper.InvalidArgument");
        assertThat(reply.at("/parameters/parameter").asText()).isEqualTo("name");
        sender.assertServes();
    }
}
