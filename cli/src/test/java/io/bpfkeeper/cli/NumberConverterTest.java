package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class NumberConverterTest {
    private final NumberConverter converter = new NumberConverter();

    @Test
    void readsDecimalWithALeadingZeroAsDecimal() {
        assertThat(converter.convert("010")).isEqualTo(10L);
    }

    @Test
    void readsHexWithItsPrefix() {
        assertThat(converter.convert("0x1F")).isEqualTo(31L);
        assertThat(converter.convert("0X10")).isEqualTo(16L);
    }

    @Test
    void refusesWhatIsNotANumber() {
        assertThatThrownBy(() -> converter.convert("1k")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'1k' is not a number, in decimal or in hex with 0x");
    }
}
