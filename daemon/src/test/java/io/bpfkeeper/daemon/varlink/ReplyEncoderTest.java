package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reply encoding, without a kernel: the bytes exactly as they go on the wire. */
class ReplyEncoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ReplyEncoder(new ObjectMapper()));

    /** Any Jackson-writable value may be a reply's parameters, such as a record. */
    record Sample(String text, List<Integer> numbers, Map<String, Boolean> flags) {
    }

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void replyIsOneCompactJsonObjectEndedByNul() {
        String wire = encode(VarlinkReply.of(new Sample("a b\tc\nd", List.of(1, 2), Map.of("on", true)), false));

        assertThat(wire).isEqualTo(Json.text(
                "{'parameters':{'text':'a b\\tc\\nd','numbers':[1,2],'flags':{'on':true}}}") + "\0");
        assertNoWhitespaceOutsideStrings(wire);
    }

    @Test
    void continuesOnlyWhenSet() {
        assertThat(encode(VarlinkReply.of(Map.of(), true)))
                .isEqualTo(Json.text("{'parameters':{},'continues':true}\0"));
        assertThat(encode(VarlinkReply.of(Map.of(), false))).isEqualTo(Json.text("{'parameters':{}}\0"));
    }

    @Test
    void errorHasItsNameAndParametersAndNeverContinues() {
        String wire = encode(VarlinkReply.error(VarlinkError.invalidParameter("keySize")));

        assertThat(wire).isEqualTo(Json.text(
                "{'error':'org.varlink.service.InvalidParameter','parameters':{'parameter':'keySize'}}\0"));
    }

    /** A NUL inside a string is escaped, so that the only NUL on the wire ends the message. */
    @Test
    void nulInAStringIsEscaped() {
        String wire = encode(VarlinkReply.of(Map.of("text", "a\0b"), false));

        assertThat(wire).isEqualTo(Json.text("{'parameters':{'text':'a\\u0000b'}}\0"));
    }

    private String encode(VarlinkReply reply) {
        channel.writeOutbound(reply);
        ByteBuf bytes = channel.readOutbound();
        try {
            return new String(ByteBufUtil.getBytes(bytes), StandardCharsets.UTF_8);
        } finally {
            bytes.release();
        }
    }

    private static void assertNoWhitespaceOutsideStrings(String json) {
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (!inString) {
                assertThat(Character.isWhitespace(c)).as("whitespace at %d of %s", i, json).isFalse();
            }
        }
    }
}
