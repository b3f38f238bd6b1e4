package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** NUL framing, without a kernel: messages are what lies between NULs, up to the size limit. */
class NulFrameDecoderTest {

    private static final int LIMIT = 16;
    /** Longer than the limit: every message of the tests that do not parse ahead goes on whole. */
    private static final int NEVER = LIMIT + 1;
    /** Where the tests that parse ahead start to. */
    private static final int PARSE_AHEAD_FROM = 8;

    private final ParseAhead wholeMessages = new ParseAhead(1, NEVER);
    private final ParseAhead oneThread = new ParseAhead(1, PARSE_AHEAD_FROM);
    private final EmbeddedChannel channel = new EmbeddedChannel(new NulFrameDecoder(LIMIT, wholeMessages));
    private final EmbeddedChannel parsingAhead = new EmbeddedChannel(new NulFrameDecoder(LIMIT, oneThread));

    @AfterEach
    void closeChannels() {
        channel.finishAndReleaseAll();
        parsingAhead.finishAndReleaseAll();
        wholeMessages.close();
        oneThread.close();
    }

    @Test
    void splitsOneReadIntoItsMessages() {
        channel.writeInbound(bytes("{\"a\":1}\0{}\0\0{\"b\""));

        assertThat(messages()).containsExactly("{\"a\":1}", "{}", "");
    }

    @Test
    void joinsAMessageThatArrivesOneByteAtATime() {
        for (byte each : "{\"method\":\"x\"}\0".getBytes(StandardCharsets.UTF_8)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {each}));
        }

        assertThat(messages()).containsExactly("{\"method\":\"x\"}");
    }

    @Test
    void acceptsAMessageOfExactlyTheLimit() {
        String longest = "x".repeat(LIMIT);

        channel.writeInbound(bytes(longest.substring(0, 5)));
        channel.writeInbound(bytes(longest.substring(5) + "\0"));

        assertThat(messages()).containsExactly(longest);
    }

    @Test
    void failsAsSoonAsAMessageOutgrowsTheLimitAndDiscardsTheRest() {
        channel.writeInbound(bytes("x".repeat(LIMIT)));

        assertThatThrownBy(() -> channel.writeInbound(bytes("x")))
                .isInstanceOf(TooLongFrameException.class);
        channel.writeInbound(bytes("\0{}\0"));
        assertThat(messages()).isEmpty();
    }

    @Test
    void failsOnALongMessageWhoseNulCameInTheSameRead() {
        assertThatThrownBy(() -> channel.writeInbound(bytes("x".repeat(LIMIT + 1) + "\0{}\0")))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(messages()).isEmpty();
    }

    /** Once long, a message goes on as it arrives, and the messages after its NUL go on as usual. */
    @Test
    void handsOnALongMessageAsItArrives() throws Exception {
        parsingAhead.writeInbound(bytes("{\"a\":\"0123"));
        ArrivingMessage arriving = parsingAhead.readInbound();
        parsingAhead.writeInbound(bytes("45\"}\0{}\0"));

        assertThat(arriving.awaitEnd()).isTrue();
        assertThat(new String(arriving.open().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"012345\"}");
        arriving.release();
        assertThat(messages(parsingAhead)).containsExactly("{}");
    }

    /** A message that finds every parse thread taken waits for its NUL, as a short one does. */
    @Test
    void framesALongMessageWholeWhenNoParseThreadIsFree() {
        ArrivingMessage takesTheOnlyThread = oneThread.begin();

        parsingAhead.writeInbound(bytes("{\"a\":\"0123"));
        parsingAhead.writeInbound(bytes("45\"}\0"));

        assertThat(messages(parsingAhead)).containsExactly("{\"a\":\"012345\"}");
        takesTheOnlyThread.release();
    }

    @Test
    void abandonsAnArrivingMessageThatOutgrowsTheLimit() throws Exception {
        parsingAhead.writeInbound(bytes("x".repeat(PARSE_AHEAD_FROM)));
        ArrivingMessage arriving = parsingAhead.readInbound();

        assertThatThrownBy(() -> parsingAhead.writeInbound(bytes("x".repeat(LIMIT))))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(arriving.awaitEnd()).isFalse();
        arriving.release();
    }

    @Test
    void abandonsAnArrivingMessageWhoseConnectionCloses() throws Exception {
        parsingAhead.writeInbound(bytes("x".repeat(PARSE_AHEAD_FROM)));
        ArrivingMessage arriving = parsingAhead.readInbound();

        parsingAhead.close();

        assertThat(arriving.awaitEnd()).isFalse();
        assertThatThrownBy(() -> arriving.open().readAllBytes()).isInstanceOf(IOException.class);
        arriving.release();
    }

    private List<String> messages() {
        return messages(channel);
    }

    private static List<String> messages(EmbeddedChannel channel) {
        List<String> messages = new ArrayList<>();
        for (ByteBuf message; (message = channel.readInbound()) != null; message.release()) {
            messages.add(message.toString(StandardCharsets.UTF_8));
        }
        return messages;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
