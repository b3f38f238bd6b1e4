package io.bpfkeeper.daemon.varlink;

import static io.bpfkeeper.daemon.varlink.Messages.GET_INFO_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.WAIT_CALL;
import static io.bpfkeeper.daemon.varlink.Messages.createMap;
import static io.bpfkeeper.daemon.varlink.Messages.framed;
import static io.bpfkeeper.daemon.varlink.Messages.noSuchMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
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
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that go away early, stop sending, or keep a call running long cost no other client anything. */
@KernelTest
class ClientBehaviourTest {

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
    final InProcessDaemon daemon = InProcessDaemon.withTestInterface();

    @Test
    void clientGoneMidMessageLeavesTheDaemonServingAndItsSessionObjectsFreed(CheckedConnection leaving) {
        int mapId = leaving.call(SESSION_MAP).at("/parameters/object/id").asInt();
        leaving.sendRaw("{\"method\": \"io.bpfkeeper.Get\", \"parameters\": {\"ki");
        leaving.close();

        assertFreedInTheKernel(mapId, "its client left mid-message");
        daemon.connect().assertServes();
    }

    @Test
    void clientGoneDuringAFailingWorkerCallHasItsSessionObjectsFreed(CheckedConnection leaving)
            throws InterruptedException {
        int mapId = leaving.call(SESSION_MAP).at("/parameters/object/id").asInt();
        leaving.send("{'method': 'io.bpfkeeper.test.FailWhenClientGone', 'more': true}");
        daemon.gate().awaitWaiter();
        leaving.close();
        daemon.gate().open();

        assertFreedInTheKernel(mapId, "its client left during a failing call");
    }

    @Test
    void slowWorkerCallHoldsBackOnlyItsOwnConnection(CheckedConnection waiting, CheckedConnection other)
            throws InterruptedException {
        waiting.sendRaw(framed(WAIT_CALL, GET_INFO_CALL));
        daemon.gate().awaitWaiter();

        other.assertServes();

        daemon.gate().open();
        // The waiting connection's GetInfo, quick as it is, answers only after the Wait before it.
        assertThat(waiting.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
        assertThat(waiting.readReplyTo(VarlinkService.GET_INFO).has("error")).isFalse();
    }

    /**
     * The daemon stops reading a connection whose queue of calls is full, here behind a call that
     * waits, and reads on once it has caught up: every call is answered, in order.
     */
    @Test
    void pipelineLongerThanTheCallQueueIsAnsweredInOrder(CheckedConnection connection)
            throws InterruptedException {
        Stream<String> gets = IntStream.rangeClosed(1, PIPELINED_GETS).mapToObj(Messages::getMap);
        connection.sendRaw(framed(Stream.concat(Stream.of(WAIT_CALL), gets).toArray(String[]::new)));
        daemon.gate().awaitWaiter();
        daemon.gate().open();

        assertThat(connection.readReplyTo(TestInterface.WAIT)).isEqualTo(Json.object("{'parameters': {}}"));
        for (int id = 1; id <= PIPELINED_GETS; id++) {
            assertThat(connection.readReplyTo(BpfkeeperInterface.GET)).isEqualTo(noSuchMap(id));
        }
    }

    /**
     * A client may shut down its sending side once it has sent its calls, as a shell pipe into
     * socat does: every call it sent is still answered, then the daemon closes.
     */
    @Test
    void clientThatStopsSendingStillGetsEveryReply() throws Exception {
        try (SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(daemon.daemon().socket()))) {
            socket.write(ByteBuffer.wrap(framed(createMap("last"), GET_INFO_CALL)));
            socket.shutdownOutput();

            byte[] received = CompletableFuture.supplyAsync(() -> readToTheEnd(socket))
                    .get(READ_DEADLINE.toSeconds(), TimeUnit.SECONDS);

            List<JsonNode> replies = Messages.split(received);
            assertThat(replies).hasSize(2);
            CheckedConnection.assertOnContract(BpfkeeperInterface.CREATE_MAP, replies.get(0));
            assertThat(replies.get(0).at("/parameters/object/name").asText()).isEqualTo("last");
            CheckedConnection.assertOnContract(VarlinkService.GET_INFO, replies.get(1));
        }
    }

    private static void assertFreedInTheKernel(int mapId, String after) {
        Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, mapId),
                "session map " + mapId + " freed after " + after);
    }

    private static byte[] readToTheEnd(SocketChannel socket) {
        try {
            return Channels.newInputStream(socket).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
