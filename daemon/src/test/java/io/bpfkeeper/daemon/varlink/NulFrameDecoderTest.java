package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** NUL framing, without a kernel: messages are what lies between NULs, up to the size limit. */
class NulFrameDecoderTest {

    private static final int LIMIT = 16;

    private final EmbeddedChannel channel = new EmbeddedChannel(new NulFrameDecoder(LIMIT));

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
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

    private List<String> messages() {
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
