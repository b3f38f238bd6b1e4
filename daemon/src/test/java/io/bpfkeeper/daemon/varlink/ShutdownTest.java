package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.GET_INFO_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.WAIT_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.createMap;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping the daemon, as SIGTERM does: no new connections or calls, the calls in flight finish
 * and are answered, then every connection is closed.
 */
@KernelTest
class ShutdownTest {

    /** Only bounds a test whose daemon never stops; no test measures time with it. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final JsonNode SHUTTING_DOWN = Json.object(
            "{'error': 'io.bpfkeeper.InternalError', 'parameters': {'message': 'the daemon is shutting down'}}");

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.withTestInterface();

    @Test
    void callInFlightIsAnsweredThenTheConnectionCloses(CheckedConnection connection) throws Exception {
        connection.sendRaw(framed(WAIT_CALL, GET_INFO_CALL, createMap("late")));
        daemon.gate().awaitWaiter();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(daemon.daemon()::stop);
        Eventually.until(STOP_DEADLINE, () -> !Files.exists(daemon.daemon().socket()), "the daemon stopped listening");
        daemon.gate().open();

        assertThat(connection.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
        // The calls queued behind it are answered, but none starts, on the event loop or not.
        assertThat(connection.readReplyTo(VarlinkService.GET_INFO)).isEqualTo(SHUTTING_DOWN);
        assertThat(connection.readReplyTo(BpfkeeperInterface.CREATE_MAP)).isEqualTo(SHUTTING_DOWN);
        connection.assertClosedByServer();
        stopped.get(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void idleConnectionIsClosed(CheckedConnection connection) {
        connection.assertServes();

        daemon.daemon().stop();

        connection.assertClosedByServer();
        assertThat(daemon.daemon().socket()).doesNotExist();
    }
}
