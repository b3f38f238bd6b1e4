package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hex as keys and values travel, against the JDK's HexFormat. */
class HexTest {

    @Test
    void everyByteEncodesAsTheJdkDoesAndDecodesBack() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        String text = Hex.encode(everyByte);

        assertThat(text).isEqualTo(HexFormat.of().formatHex(everyByte));
        assertThat(Hex.decode(text)).isEqualTo(everyByte);
        assertThat(Hex.decode(text.toUpperCase())).isEqualTo(everyByte);
    }

    @Test
    void encodesAPartOfAnArray() {
        assertThat(Hex.encode(new byte[] {1, 2, (byte) 0xab, 4}, 1, 2)).isEqualTo("02ab");
    }

    @Test
    void decodesIntoAnArrayAtAnOffset() {
        char[] text = "xx0aff".toCharArray();
        byte[] target = new byte[3];

        assertThat(Hex.decodeInto(text, 2, 4, target, 1)).isTrue();
        assertThat(target).containsExactly(0, 0x0a, 0xff);
    }

    /** Only ASCII hex digits: not the other Unicode digits that Character.digit would accept. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "abc", "0g", "g0", "0 ", "-1", "\u0663\u0663", "\uff10\uff10", "0\u0100"})
    void refusesAnythingButAnEvenNumberOfHexDigits(String text) {
        assertThat(Hex.decode(text)).isNull();
        assertThat(Hex.decodeInto(text.toCharArray(), 0, text.length(), new byte[text.length()], 0)).isFalse();
    }

    @Test
    void emptyTextIsNoBytes() {
        assertThat(Hex.decode("")).isEmpty();
        assertThat(Hex.encode(new byte[0])).isEmpty();
    }
}
