package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.WAIT_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static io.bpfkeeper.daemon.varlink.Messages.raw;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.RawSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection's bytes in flight are budgeted: calls pipelined behind a call that has not finished
 * wait in the client's socket, unread, rather than in the daemon's memory, and are answered in
 * their turn once it finishes.
 */
@KernelTest
class InFlightBudgetTest {

    private static final int MIB = 1024 * 1024;
    /** 24 calls of half a MiB: each under the connection's budget, 12 MiB in all. */
    private static final int PIPELINED = 24;

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.withTestInterface();

    /** A GetInfo made {@code bytes} long by a top-level field that the protocol reserves, and the daemon ignores. */
    static byte[] longGetInfo(int bytes) {
        return raw(Json.text("{'method': 'org.varlink.service.GetInfo', 'future': '" + "x".repeat(bytes) + "'}\0"));
    }

    @Test
    void callsPipelinedBehindAWaitingCallWaitUnreadAndAreAnsweredInTurn(CheckedConnection bystander)
            throws Exception {
        try (RawSocket pipeliner = RawSocket.connect(daemon.daemon().socket())) {
            pipeliner.write(framed(WAIT_CALL));
            byte[] halfMib = longGetInfo(MIB / 2);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < PIPELINED; i++) {
                    pipeliner.write(halfMib);
                }
            });

            // 12 MiB do not fit in the sockets' buffers: the writes finish only if the daemon reads on.
            assertThat(written).as("the daemon read every pipelined call while the first one waited")
                    .failsWithin(3, TimeUnit.SECONDS);
            bystander.assertServes();

            daemon.gate().open();
            assertThat(pipeliner.readMessage()).isEqualTo("{\"parameters\":{}}");
            for (int i = 0; i < PIPELINED; i++) {
                assertThat(pipeliner.readMessage()).contains("\"vendor\"").doesNotContain("error");
            }
            written.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Two slots for large messages are free, but a connection gets only one: its second large
     * message is not read until the first one's call has finished.
     */
    @Test
    void aConnectionHasOneLargeMessageInFlight(CheckedConnection bystander) throws Exception {
        try (RawSocket pipeliner = RawSocket.connect(daemon.daemon().socket())) {
            pipeliner.write(framed(WAIT_CALL));
            byte[] twoMib = longGetInfo(2 * MIB);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                pipeliner.write(twoMib);
                pipeliner.write(twoMib);
            });

            assertThat(written).as("the daemon read a second large message while the first waited")
                    .failsWithin(3, TimeUnit.SECONDS);
            bystander.assertServes();

            daemon.gate().open();
            assertThat(pipeliner.readMessage()).isEqualTo("{\"parameters\":{}}");
            assertThat(pipeliner.readMessage()).contains("\"vendor\"");
            assertThat(pipeliner.readMessage()).contains("\"vendor\"");
            written.get(30, TimeUnit.SECONDS);
        }
    }
}
