package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TreeTraversingParser;
import io.bpfkeeper.protocol.VarlinkService;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Call decoding behind the NUL framing, without a kernel. */
class CallDecoderTest {

    /** The one method of these tests whose parameters a {@link ParameterReader} reads. */
    private static final String READ = "a.b.Read";

    /** Where the channel that parses ahead starts to: every message of those tests is longer. */
    private static final int PARSE_AHEAD_FROM = 16;

    private final ParseAhead wholeMessages = new ParseAhead(1, 1025);
    private final ParseAhead parseAhead = new ParseAhead(1, PARSE_AHEAD_FROM);
    private final EmbeddedChannel channel = channel(wholeMessages);
    private final EmbeddedChannel parsingAhead = channel(parseAhead);

    private static EmbeddedChannel channel(ParseAhead parseAhead) {
        return new EmbeddedChannel(new NulFrameDecoder(1024, parseAhead), new CallDecoder(new ObjectMapper(),
                method -> method.equals(READ) ? CallDecoderTest::readAsTree : null, parseAhead));
    }

    /** What {@link #readAsTree} read, and whether from the message itself or from a tree of it. */
    private record ReadParameters(JsonNode parameters, boolean fromATree) {
    }

    /** A reader that keeps the parameters as they are, and refuses any that hold "refuse". */
    private static ReadParameters readAsTree(JsonParser parser) throws IOException, VarlinkError {
        JsonNode parameters = parser.readValueAsTree();
        if (parameters.has("refuse")) {
            throw VarlinkError.invalidParameter("refuse");
        }
        return new ReadParameters(parameters, parser instanceof TreeTraversingParser);
    }

    @AfterEach
    void closeChannels() {
        channel.finishAndReleaseAll();
        parsingAhead.finishAndReleaseAll();
        wholeMessages.close();
        parseAhead.close();
    }

    @Test
    void decodesEveryCallOfARead() {
        receive("{'method': 'a.b.First', 'parameters': {'x': [1, 'two']}, 'more': true}\0"
                + "{'method': 'a.b.Second', 'oneway': true}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall("a.b.First", tree("{'x': [1, 'two']}"), false, true, false),
                new VarlinkCall("a.b.Second", tree("{}"), true, false, false));
    }

    /** Missing, null and {} parameters mean the same; a null flag is an unset one. */
    @Test
    void absentAndNullMeanEmpty() {
        receive("{'method': 'a.b.C', 'parameters': null, 'more': null, 'oneway': false}\0");

        assertThat(calls()).containsExactly(new VarlinkCall("a.b.C", tree("{}"), false, false, false));
    }

    /** Later protocol versions may add fields to a call; this one ignores them. */
    @Test
    void ignoresUnknownTopLevelFields() {
        receive("{'method': 'a.b.C', 'future': {'x': 1}}\0");

        assertThat(calls()).containsExactly(new VarlinkCall("a.b.C", tree("{}"), false, false, false));
    }

    /** Clients write "method" first, so that the reader reads the parameters without a tree. */
    @Test
    void aReaderReadsTheParametersThatFollowTheMethodFromTheMessage() {
        receive("{'method': 'a.b.Read', 'parameters': {'x': [1, 'two']}, 'more': true}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall(READ, read("{'x': [1, 'two']}", false), false, true, false));
    }

    /** The same reader checks parameters that come first, so that the order makes no difference. */
    @Test
    void aReaderReadsParametersThatComeFirstFromTheirTree() {
        receive("{'parameters': {'x': [1, 'two']}, 'method': 'a.b.Read', 'more': true}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall(READ, read("{'x': [1, 'two']}", true), false, true, false));
    }

    @Test
    void aReaderReadsMissingAndNullParametersAsAnEmptyObject() {
        receive("{'method': 'a.b.Read'}\0{'method': 'a.b.Read', 'parameters': null}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall(READ, read("{}", true), false, false, false),
                new VarlinkCall(READ, read("{}", true), false, false, false));
    }

    /**
     * Refused parameters are the call's own error, answered in turn: the rest of the message and
     * the messages after it are read as usual.
     */
    @Test
    void parametersAReaderRefusesBecomeTheCallsError() {
        receive("{'method': 'a.b.Read', 'parameters': {'refuse': {'deep': [1]}}, 'oneway': true}\0"
                + "{'method': 'a.b.C'}\0");

        List<VarlinkCall> calls = calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).oneway()).isTrue();
        assertThat(calls.get(0).parameters()).isInstanceOfSatisfying(CallParameters.Refused.class, refused -> {
            assertThat(refused.error().name()).isEqualTo(VarlinkService.INVALID_PARAMETER);
            assertThat(refused.error().parameters()).isEqualTo(Json.object("{'parameter': 'refuse'}"));
        });
        assertThat(calls.get(1)).isEqualTo(new VarlinkCall("a.b.C", tree("{}"), false, false, false));
    }

    /** As in a tree, the last of two "method" fields counts, even after the first one's reader ran. */
    @Test
    void aMethodNamedAgainIsTheOneWhoseParametersTheCallHas() {
        receive("{'method': 'a.b.Read', 'parameters': {'x': 1}, 'method': 'a.b.C'}\0"
                + "{'method': 'a.b.C', 'parameters': {'x': 1}, 'method': 'a.b.Read'}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall("a.b.C", tree("{'x': 1}"), false, false, false),
                new VarlinkCall(READ, read("{'x': 1}", true), false, false, false));
    }

    /** As in a tree, the last of two "parameters" fields counts. */
    @Test
    void parametersGivenAgainReplaceTheOnesReadBefore() {
        receive("{'method': 'a.b.Read', 'parameters': {'x': 1}, 'parameters': null}\0"
                + "{'method': 'a.b.Read', 'parameters': {'x': 1}, 'parameters': {'y': 2}}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall(READ, read("{}", true), false, false, false),
                new VarlinkCall(READ, read("{'y': 2}", false), false, false, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'method': ",
        "",
        "[]",
        "{'parameters': {}}",
        "{'method': null}",
        "{'method': 'a.b.C', 'parameters': 'x'}",
        "{'method': 'a.b.C', 'upgrade': 1}",
        "{'method': 'a.b.C', 'more': true, 'upgrade': true}",
        "{'method': 'a.b.C'}{}",
        "{'method': 'a.b.Read', 'parameters': {'x': }}",
        "{'method': 'a.b.Read', 'parameters': {'refuse': 1}} 1",
        "{'method': 'a.b.Read', 'parameters': 'x'}",
        "{'method': 'a.b.Read', 'parameters': {}, 'oneway': 1}",
    })
    void rejectsAMessageThatIsNoCallAsAProtocolViolation(String message) {
        assertThatThrownBy(() -> receive(message + "\0"))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ProtocolViolation.class)
                .satisfies(violation -> assertThat(((ProtocolViolation) violation).isTooLarge()).isFalse());
    }

    /**
     * A long message is parsed while it arrives, in its turn: what it is comes once it has ended,
     * and the messages after it are decoded meanwhile.
     */
    @Test
    void aLongMessageIsParsedAsItArrivesAndKeepsItsTurn() throws Exception {
        receive(parsingAhead, "{'method': 'a.b.Read', 'parameters': {'x': [1, 'two'");
        PendingCall pending = parsingAhead.readInbound();
        receive(parsingAhead, "]}, 'more': true}\0{'method': 'a.b.C'}\0");

        assertThat(outcome(pending)).isEqualTo(new VarlinkCall(READ, read("{'x': [1, 'two']}", false), false, true, false));
        assertThat(calls(parsingAhead)).containsExactly(new VarlinkCall("a.b.C", tree("{}"), false, false, false));
    }

    /** The parse of a long message reads it again from its start when it has to. */
    @Test
    void aLongMessageIsReadAgainForAMethodNamedTwice() throws Exception {
        receive(parsingAhead, "{'method': 'a.b.Read', 'parameters': {'x': 1}");
        receive(parsingAhead, ", 'method': 'a.b.C'}\0");

        assertThat(outcome(parsingAhead.readInbound()))
                .isEqualTo(new VarlinkCall("a.b.C", tree("{'x': 1}"), false, false, false));
    }

    /** A long message that is no call is one once it has ended, however early its parse found out. */
    @Test
    void aLongMalformedMessageIsAViolationOnceItEnds() throws Exception {
        receive(parsingAhead, "{'method': 'a.b.C', 'parameters': [[[");
        PendingCall pending = parsingAhead.readInbound();
        assertThat(pending.isDone()).isFalse();
        receive(parsingAhead, "]]]}\0");

        assertThat(outcome(pending)).isInstanceOf(ProtocolViolation.class);
    }

    /** A long message that never ends is no call at all. */
    @Test
    void aLongMessageCutShortIsNoCall() throws Exception {
        receive(parsingAhead, "{'method': 'a.b.C', 'parameters': {'x': 1");
        PendingCall pending = parsingAhead.readInbound();
        parsingAhead.close();

        assertThat(outcome(pending)).isNull();
    }

    private static Object outcome(PendingCall pending) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        pending.whenDone(done::countDown);
        done.await();
        assertThat(pending.failure()).isNull();
        return pending.outcome();
    }

    private static CallParameters tree(String singleQuoted) {
        return new CallParameters.Tree(Json.object(singleQuoted));
    }

    private static CallParameters read(String singleQuoted, boolean fromATree) {
        return new CallParameters.Read(new ReadParameters(Json.object(singleQuoted), fromATree));
    }

    private void receive(String singleQuoted) {
        receive(channel, singleQuoted);
    }

    private static void receive(EmbeddedChannel channel, String singleQuoted) {
        channel.writeInbound(Unpooled.copiedBuffer(Json.text(singleQuoted), StandardCharsets.UTF_8));
    }

    private List<VarlinkCall> calls() {
        return calls(channel);
    }

    private static List<VarlinkCall> calls(EmbeddedChannel channel) {
        List<VarlinkCall> calls = new ArrayList<>();
        for (VarlinkCall call; (call = channel.readInbound()) != null; ) {
            calls.add(call);
        }
        return calls;
    }
}
