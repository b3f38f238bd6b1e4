package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.concat;
import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.framed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
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
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void callInFlightIsAnsweredThenTheConnectionCloses() throws Exception {
        Gate gate = new Gate();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path(), List.of(TestInterface.create(gate)));
                gate;
                CheckedConnection connection = new CheckedConnection(daemon)) {
            connection.sendRaw(concat(
                    framed("{'method': 'io.bpfkeeper.test.Wait'}"),
                    framed("{'method': 'org.varlink.service.GetInfo'}"),
                    framed("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'late', 'type': 'array',"
                            + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}")));
            gate.awaitWaiter();

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(daemon::stop);
            Eventually.until(STOP_DEADLINE, () -> !Files.exists(daemon.socket()), "the daemon stopped listening");
            gate.open();

            assertThat(connection.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
            // The calls queued behind it are answered, but none starts, on the event loop or not.
            assertThat(connection.readReplyTo("org.varlink.service.GetInfo")).isEqualTo(SHUTTING_DOWN);
            assertThat(connection.readReplyTo("io.bpfkeeper.CreateMap")).isEqualTo(SHUTTING_DOWN);
            connection.assertClosedByServer();
            stopped.get(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void idleConnectionIsClosed() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                CheckedConnection connection = new CheckedConnection(daemon)) {
            assertThat(connection.call("{'method': 'org.varlink.service.GetInfo'}").has("error")).isFalse();

            daemon.stop();

            connection.assertClosedByServer();
            assertThat(daemon.socket()).doesNotExist();
        }
    }
}
