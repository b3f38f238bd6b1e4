package io.bpfkeeper.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Client values in log lines: escaped so that they read back as themselves, and cut. */
class LogTextTest {

    @Test
    void controlCharactersAndBackslashesBecomeEscapes() {
        assertThat(LogText.escape("a\nb\tc\rd\u0000e\u001bf\u007fg\\n")).isEqualTo("a\\nb\\tc\\rd\\x00e\\x1bf\\x7fg\\\\n");
    }

    @Test
    void unicodeLineBreaksAndInvisibleCharactersBecomeEscapes() {
        assertThat(LogText.escape("a\u0085b\u2028c\u2029d\u202ee\u200bf\ud800g"))
                .isEqualTo("a\\x85b\\u{2028}c\\u{2029}d\\u{202e}e\\u{200b}f\\u{d800}g");
        assertThat(LogText.escape("grüße 🐝")).isEqualTo("grüße 🐝");
    }

    @Test
    void quotedValuesEscapeTheirQuotes() {
        assertThat(LogText.quote("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(LogText.quoteAll(List.of("x", "y\nz"))).isEqualTo("[\"x\", \"y\\nz\"]");
    }

    @Test
    void longValuesAreCutWithTheNumberOfCharactersLeftOut() {
        String escaped = LogText.escape("x".repeat(300));
        assertThat(escaped).isEqualTo("x".repeat(LogText.MAX_VALUE) + "…(+44)");
        assertThat(LogText.escape("y".repeat(LogText.MAX_VALUE))).isEqualTo("y".repeat(LogText.MAX_VALUE));
        // Never between the halves of a surrogate pair.
        assertThat(LogText.escape("z".repeat(LogText.MAX_VALUE - 1) + "🐝🐝"))
                .isEqualTo("z".repeat(LogText.MAX_VALUE - 1) + "…(+4)");
    }

    @Test
    void oneLineEscapesOnlyWhatBreaksTheLine() {
        assertThat(LogText.oneLine("pin path a\\nb\nINFO  audit: forged\u2028", 100))
                .isEqualTo("pin path a\\nb\\nINFO  audit: forged\\u{2028}");
        assertThat(LogText.oneLine("abcdef", 3)).isEqualTo("abc…(+3)");
        assertThat(LogText.oneLine(null, 10)).isEqualTo("null");
    }
}
