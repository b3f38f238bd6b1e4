package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.concat;
import static io.bpfkeeper.daemon.varlink.ReplyFlowTest.framed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that go away early or keep a call running long cost no other client anything. */
@KernelTest
class ClientBehaviourTest {

    private static final String GET_INFO = "{'method': 'org.varlink.service.GetInfo'}";
    private static final String SESSION_MAP = "{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'session',"
            + " 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8, 'lifetime': 'session'}}";
    /**
     * Far more than the 256 calls a connection may have queued before the daemon stops reading it,
     * and few enough (68 KB) that the socket buffers them while it does not read.
     */
    private static final int PIPELINED_GETS = 1000;
    /** Only bounds a test whose daemon never answers; no test measures time with it. */
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void clientGoneMidMessageLeavesTheDaemonServingAndItsSessionObjectsFreed() {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path())) {
            int mapId;
            try (CheckedConnection leaving = new CheckedConnection(daemon)) {
                mapId = leaving.call(SESSION_MAP).at("/parameters/object/id").asInt();
                leaving.sendRaw("{\"method\": \"io.bpfkeeper.Get\", \"parameters\": {\"ki");
            }

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, mapId),
                    "session map " + mapId + " freed after its client left mid-message");
            try (CheckedConnection next = new CheckedConnection(daemon)) {
                assertThat(next.call(GET_INFO).has("error")).isFalse();
            }
        }
    }

    @Test
    void clientGoneDuringAFailingWorkerCallHasItsSessionObjectsFreed() throws InterruptedException {
        Gate gate = new Gate();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path(), List.of(TestInterface.create(gate))); gate) {
            int mapId;
            try (CheckedConnection leaving = new CheckedConnection(daemon)) {
                mapId = leaving.call(SESSION_MAP).at("/parameters/object/id").asInt();
                leaving.send("{'method': 'io.bpfkeeper.test.FailWhenClientGone', 'more': true}");
                gate.awaitWaiter();
            }
            gate.open();

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, mapId),
                    "session map " + mapId + " freed after its client left during a failing call");
        }
    }

    @Test
    void slowWorkerCallHoldsBackOnlyItsOwnConnection() throws InterruptedException {
        Gate gate = new Gate();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path(), List.of(TestInterface.create(gate)));
                gate;
                CheckedConnection waiting = new CheckedConnection(daemon);
                CheckedConnection other = new CheckedConnection(daemon)) {
            waiting.sendRaw(concat(framed("{'method': 'io.bpfkeeper.test.Wait'}"), framed(GET_INFO)));
            gate.awaitWaiter();

            assertThat(other.call(GET_INFO).has("error")).isFalse();

            gate.open();
            // The waiting connection's GetInfo, quick as it is, answers only after the Wait before it.
            assertThat(waiting.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
            assertThat(waiting.readReplyTo("org.varlink.service.GetInfo").has("error")).isFalse();
        }
    }

    /**
     * The daemon stops reading a connection whose queue of calls is full, here behind a call that
     * waits, and reads on once it has caught up: every call is answered, in order.
     */
    @Test
    void pipelineLongerThanTheCallQueueIsAnsweredInOrder() throws InterruptedException {
        Gate gate = new Gate();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path(), List.of(TestInterface.create(gate)));
                gate;
                CheckedConnection connection = new CheckedConnection(daemon)) {
            ByteArrayOutputStream calls = new ByteArrayOutputStream();
            calls.writeBytes(framed("{'method': 'io.bpfkeeper.test.Wait'}"));
            for (int id = 1; id <= PIPELINED_GETS; id++) {
                calls.writeBytes(framed(ReplyFlowTest.getMap(id)));
            }
            connection.sendRaw(calls.toByteArray());
            gate.awaitWaiter();
            gate.open();

            assertThat(connection.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
            for (int id = 1; id <= PIPELINED_GETS; id++) {
                assertThat(connection.readReplyTo("io.bpfkeeper.Get")).isEqualTo(ReplyFlowTest.noSuchMap(id));
            }
        }
    }

    /**
     * A client may shut down its sending side once it has sent its calls, as a shell pipe into
     * socat does: every call it sent is still answered, then the daemon closes.
     */
    @Test
    void clientThatStopsSendingStillGetsEveryReply() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(daemon.socket()))) {
            socket.write(ByteBuffer.wrap(concat(
                    framed("{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': 'last', 'type': 'array',"
                            + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}"),
                    framed(GET_INFO))));
            socket.shutdownOutput();

            byte[] received = CompletableFuture.supplyAsync(() -> readToTheEnd(socket))
                    .get(READ_DEADLINE.toSeconds(), TimeUnit.SECONDS);

            List<JsonNode> replies = Json.messages(received);
            assertThat(replies).hasSize(2);
            CheckedConnection.assertOnContract("io.bpfkeeper.CreateMap", replies.get(0));
            assertThat(replies.get(0).at("/parameters/object/name").asText()).isEqualTo("last");
            CheckedConnection.assertOnContract("org.varlink.service.GetInfo", replies.get(1));
        }
    }

    private static byte[] readToTheEnd(SocketChannel socket) {
        try {
            return Channels.newInputStream(socket).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
