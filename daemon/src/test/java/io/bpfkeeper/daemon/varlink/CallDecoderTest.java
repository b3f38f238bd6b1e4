package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Call decoding behind the NUL framing, without a kernel. */
class CallDecoderTest {

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new NulFrameDecoder(1024), new CallDecoder(new ObjectMapper()));

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void decodesEveryCallOfARead() {
        receive("{'method': 'a.b.First', 'parameters': {'x': [1, 'two']}, 'more': true}\0"
                + "{'method': 'a.b.Second', 'oneway': true}\0");

        assertThat(calls()).containsExactly(
                new VarlinkCall("a.b.First", Json.object("{'x': [1, 'two']}"), false, true, false),
                new VarlinkCall("a.b.Second", Json.object("{}"), true, false, false));
    }

    /** Missing, null and {} parameters mean the same; a null flag is an unset one. */
    @Test
    void absentAndNullMeanEmpty() {
        receive("{'method': 'a.b.C', 'parameters': null, 'more': null, 'oneway': false}\0");

        assertThat(calls()).containsExactly(new VarlinkCall("a.b.C", Json.object("{}"), false, false, false));
    }

    /** Later protocol versions may add fields to a call; this one ignores them. */
    @Test
    void ignoresUnknownTopLevelFields() {
        receive("{'method': 'a.b.C', 'future': {'x': 1}}\0");

        assertThat(calls()).containsExactly(new VarlinkCall("a.b.C", Json.object("{}"), false, false, false));
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
    })
    void rejectsAMessageThatIsNoCallAsAProtocolViolation(String message) {
        assertThatThrownBy(() -> receive(message + "\0"))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ProtocolViolation.class)
                .satisfies(violation -> assertThat(((ProtocolViolation) violation).isTooLarge()).isFalse());
    }

    private void receive(String singleQuoted) {
        channel.writeInbound(Unpooled.copiedBuffer(Json.text(singleQuoted), StandardCharsets.UTF_8));
    }

    private List<VarlinkCall> calls() {
        List<VarlinkCall> calls = new ArrayList<>();
        for (VarlinkCall call; (call = channel.readInbound()) != null; ) {
            calls.add(call);
        }
        return calls;
    }
}
