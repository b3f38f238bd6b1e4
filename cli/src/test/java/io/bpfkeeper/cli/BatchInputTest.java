package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.protocol.types.Entry;
import org.junit.jupiter.api.Test;

class BatchInputTest {
    private static final Entry ONE = new Entry("01000000", "0a00000000000000");
    private static final Entry TWO = new Entry("02000000", "0b00000000000000");

    @Test
    void readsLinesOfKeyAndValueSkippingCommentsAndBlankLines() {
        String lines = """
                # counters to seed
                01000000 0x0a00000000000000

                  0x02000000\t0B00000000000000
                """;

        assertThat(BatchInput.parse(lines)).containsExactly(ONE, TWO);
    }

    @Test
    void readsAJsonArray() {
        String array = """
                [{"key": "0x01000000", "value": "0a 00 00 00 00 00 00 00"},
                 {"key": "02000000", "value": "0b00000000000000"}]
                """;

        assertThat(BatchInput.parse(array)).containsExactly(ONE, TWO);
    }

    @Test
    void readsObjectsOneAfterAnotherAsMapDumpPrintsThem() {
        String dumped = """
                {"key":"01000000","value":"0a00000000000000"}
                {"key":"02000000","value":"0b00000000000000"}
                """;

        assertThat(BatchInput.parse(dumped)).containsExactly(ONE, TWO);
    }

    @Test
    void readsNothingAsNoEntries() {
        assertThat(BatchInput.parse("")).isEmpty();
    }

    @Test
    void namesTheLineThatIsWrong() {
        assertThatThrownBy(() -> BatchInput.parse("01000000 00\n01 00 00 00 00\n"))
                .hasMessage("line 2: expected KEYHEX VALUEHEX, got \"01 00 00 00 00\"");
        assertThatThrownBy(() -> BatchInput.parse("\n01000000 xy\n"))
                .hasMessage("line 2: \"xy\" is not hex");
    }

    @Test
    void namesTheJsonEntryThatIsWrong() {
        assertThatThrownBy(() -> BatchInput.parse("[{\"key\":\"00\",\"value\":\"00\"}, {\"key\":\"00\"}]"))
                .hasMessageStartingWith("entry 2: expected {\"key\": HEX, \"value\": HEX}");
        assertThatThrownBy(() -> BatchInput.parse("[{\"key\":"))
                .hasMessageStartingWith("not valid JSON: ");
    }
}
