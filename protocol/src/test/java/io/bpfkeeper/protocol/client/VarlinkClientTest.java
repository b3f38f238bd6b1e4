package io.bpfkeeper.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.protocol.client.CannedServer.Answer;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VarlinkClientTest {
    @TempDir
    Path directory;

    private CannedServer server;
    private VarlinkClient client;

    private VarlinkClient connect(Function<String, Answer> responder) throws IOException {
        server = new CannedServer(directory, responder);
        client = VarlinkClient.connect(server.path());
        return client;
    }

    @AfterEach
    void closeBoth() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String nextReceived() throws InterruptedException {
        return server.received.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void callsAndReturnsTheReplyParameters() throws Exception {
        connect(call -> Answer.replies("{\"parameters\":{\"answer\":42}}"));

        JsonNode reply = client.call("org.example.Ask", Map.of("question", "everything"));

        assertThat(reply.get("answer").asLong()).isEqualTo(42);
        assertThat(nextReceived())
                .isEqualTo("{\"method\":\"org.example.Ask\",\"parameters\":{\"question\":\"everything\"}}");
    }

    @Test
    void omitsMissingParametersAndReturnsEmptyOnes() throws Exception {
        connect(call -> Answer.replies("{}"));

        assertThat(client.call("org.example.Ping", null)).hasToString("{}");
        assertThat(nextReceived()).isEqualTo("{\"method\":\"org.example.Ping\"}");
    }

    @Test
    void throwsErrorRepliesWithTheirMessage() throws Exception {
        connect(call -> Answer.replies(
                "{\"error\":\"io.bpfkeeper.NoSuchObject\","
                        + "\"parameters\":{\"kind\":\"map\",\"id\":7,\"message\":\"no map 7\"}}"));

        assertThatThrownBy(() -> client.call("io.bpfkeeper.Get", Map.of("kind", "map", "id", 7)))
                .isInstanceOfSatisfying(VarlinkCallException.class, e -> {
                    assertThat(e.error()).isEqualTo("io.bpfkeeper.NoSuchObject");
                    assertThat(e.parameters().get("id").asLong()).isEqualTo(7);
                    assertThat(e).hasMessage("io.bpfkeeper.NoSuchObject: no map 7");
                });
    }

    @Test
    void describesErrorsWithoutAMessageByTheirParameters() throws Exception {
        connect(call -> Answer.replies(
                "{\"error\":\"org.varlink.service.InvalidParameter\",\"parameters\":{\"parameter\":\"id\"}}",
                "{\"error\":\"org.varlink.service.ExpectedMore\"}"));

        assertThatThrownBy(() -> client.call("io.bpfkeeper.Get", null))
                .hasMessage("org.varlink.service.InvalidParameter: {\"parameter\":\"id\"}");
        assertThatThrownBy(() -> client.call("io.bpfkeeper.List", null))
                .hasMessage("org.varlink.service.ExpectedMore: {}");
    }

    @Test
    void streamsMoreRepliesUntilOneDoesNotContinue() throws Exception {
        connect(call -> Answer.replies(
                "{\"parameters\":{\"n\":1},\"continues\":true}",
                "{\"parameters\":{\"n\":2},\"continues\":true}",
                "{\"parameters\":{\"n\":3}}"));

        List<JsonNode> replies = client.collectMore("org.example.Count", Map.of());

        assertThat(replies).extracting(reply -> reply.get("n").asInt()).containsExactly(1, 2, 3);
        assertThat(nextReceived())
                .isEqualTo("{\"method\":\"org.example.Count\",\"parameters\":{},\"more\":true}");
    }

    @Test
    void anErrorEndsAStream() throws Exception {
        connect(call -> Answer.replies(
                "{\"parameters\":{\"n\":1},\"continues\":true}",
                "{\"error\":\"org.example.Broke\",\"parameters\":{\"message\":\"at 2\"}}",
                "{\"parameters\":{\"after\":true}}"));
        List<JsonNode> replies = new ArrayList<>();

        assertThatThrownBy(() -> client.callMore("org.example.Count", null, replies::add))
                .hasMessage("org.example.Broke: at 2");
        assertThat(replies).hasSize(1);
        assertThat(client.readMessage().get("parameters").get("after").asBoolean()).isTrue();
    }

    @Test
    void onewayCallsWaitForNoReply() throws Exception {
        connect(call -> call.contains("\"oneway\":true")
                ? Answer.replies()
                : Answer.replies("{\"parameters\":{\"after\":\"oneway\"}}"));

        client.oneway("org.example.Forget", Map.of("what", "it"));
        JsonNode reply = client.call("org.example.Next", null);

        assertThat(nextReceived())
                .isEqualTo("{\"method\":\"org.example.Forget\",\"parameters\":{\"what\":\"it\"},\"oneway\":true}");
        assertThat(reply.get("after").asText()).isEqualTo("oneway");
    }

    @Test
    void pipelinedCallsAreAnsweredInOrder() throws Exception {
        connect(call -> Answer.replies(call.replace("\"method\":\"org.example.Echo\",", "")));

        for (int i = 0; i < 3; i++) {
            ObjectNode message = VarlinkClient.json().createObjectNode().put("method", "org.example.Echo");
            message.putObject("parameters").put("i", i);
            client.send(message);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(client.readMessage().get("parameters").get("i").asInt()).isEqualTo(i);
        }
    }

    @Test
    void readsRepliesLargerThanItsBuffer() throws Exception {
        String big = "x".repeat(1_000_000);
        connect(call -> Answer.replies("{\"parameters\":{\"big\":\"" + big + "\"}}", "{}"));

        assertThat(client.call("org.example.Big", null).get("big").asText()).isEqualTo(big);
        assertThat(client.readMessage()).hasToString("{}");
    }

    @Test
    void sendsCallsLongerThanOnePieceWholeAndInOrder() throws Exception {
        String big = "y".repeat(300_000);
        connect(call -> Answer.replies("{}"));

        client.call("org.example.Big", Map.of("big", big));
        client.call("org.example.Small", null);

        assertThat(nextReceived()).isEqualTo("{\"method\":\"org.example.Big\",\"parameters\":{\"big\":\"" + big + "\"}}");
        assertThat(nextReceived()).isEqualTo("{\"method\":\"org.example.Small\"}");
    }

    @Test
    void aCallThatCannotBeWrittenLeavesNothingBeforeTheNext() throws Exception {
        connect(call -> Answer.replies("{}"));
        Map<String, Object> unwritable = Map.of("stream", new Object());

        assertThatThrownBy(() -> client.call("org.example.Broken", unwritable))
                .isInstanceOf(UncheckedIOException.class);
        client.call("org.example.Next", null);

        assertThat(nextReceived()).isEqualTo("{\"method\":\"org.example.Next\"}");
    }

    @Test
    void reportsAServerThatClosesMidReply() throws Exception {
        connect(call -> Answer.closeAfter("{\"parameters\":{\"half"));

        assertThatThrownBy(() -> client.call("org.example.Half", null))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class)
                .hasMessageContaining("the server closed the connection in the middle of a message");
    }

    @Test
    void reportsAServerThatClosesBetweenReplies() throws Exception {
        connect(call -> Answer.closeAfter(""));

        client.sendRaw("{not json\0".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(client::readMessage)
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class)
                .hasMessageEndingWith("the server closed the connection");
        assertThat(nextReceived()).isEqualTo("{not json");
    }

    @Test
    void rejectsRepliesThatAreNotOneJsonObject() throws Exception {
        connect(call -> Answer.replies("[]", "{} {}"));

        assertThatThrownBy(() -> client.call("org.example.Array", null))
                .hasCauseInstanceOf(ProtocolException.class);
        assertThatThrownBy(client::readMessage).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void rejectsAContinuedReplyToAPlainCall() throws Exception {
        connect(call -> Answer.replies("{\"parameters\":{},\"continues\":true}"));

        assertThatThrownBy(() -> client.call("org.example.Plain", null))
                .hasCauseInstanceOf(ProtocolException.class);
    }

    @Test
    void stopsWaitingAfterTheReadTimeout() throws Exception {
        connect(call -> Answer.replies());
        client.setReadTimeout(Duration.ofMillis(200));
        long started = System.nanoTime();

        assertThatThrownBy(() -> client.call("org.example.Silent", null))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(
                Duration.ofMillis(150), Duration.ofSeconds(5));
    }

    @Test
    void failsToConnectToNothing() {
        assertThatThrownBy(() -> VarlinkClient.connect(directory.resolve("absent.sock")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent.sock");
    }
}
