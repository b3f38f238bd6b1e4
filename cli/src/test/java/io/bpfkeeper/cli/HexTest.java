package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HexTest {
    @ParameterizedTest
    @ValueSource(strings = {"01000000", "0x01000000", "0X01000000", "01 00 00 00", "0x01 0x00 0x00 0x00",
        "  01 00\t0000 ", "0100 0x0000"})
    void acceptsTheFormsPeopleWrite(String written) {
        assertThat(Hex.normalize(written)).isEqualTo("01000000");
    }

    @Test
    void lowersTheCase() {
        assertThat(Hex.normalize("DEADbeef")).isEqualTo("deadbeef");
    }

    @Test
    void keepsNoBytesAsNoBytes() {
        assertThat(Hex.normalize("")).isEmpty();
    }

    @Test
    void refusesAGroupOfHalfABecauseItsByteWouldBeAGuess() {
        assertThatThrownBy(() -> Hex.normalize("0x1 0x2")).hasMessage("odd number of hex digits in \"0x1\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0g", "01-00", "0x0", "\u0663\u0663"})
    void refusesWhatIsNotHex(String written) {
        assertThatThrownBy(() -> Hex.normalize(written)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesBytesAsLowercaseHex() {
        assertThat(Hex.of(new byte[] {(byte) 0xb7, 0, 0x0a})).isEqualTo("b7000a");
    }
}
