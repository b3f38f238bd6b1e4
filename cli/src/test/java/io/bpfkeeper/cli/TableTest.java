package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    private static String printed(Table table) {
        StringWriter text = new StringWriter();
        table.print(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void alignsEachColumnToItsWidestCell() {
        Table table = new Table()
                .row("KIND", "ID", "NAME")
                .row("map", 42, "counters")
                .row("program", 7, "x");

        assertThat(printed(table)).isEqualTo("""
                KIND     ID  NAME
                map      42  counters
                program  7   x
                """);
    }

    @Test
    void leavesNoTrailingBlanksEvenAfterEmptyCells() {
        Table table = new Table().row("a", "", "").row("bbb", "c", "");

        assertThat(printed(table).lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
    }

    @Test
    void listsManyValuesUnderOneKey() {
        Table block = new Table()
                .row("id:", 42)
                .listRows("pins:", List.of("/a", "/b"))
                .listRows("labels:", List.of());

        assertThat(printed(block)).isEqualTo("""
                id:      42
                pins:    /a
                         /b
                labels:  -
                """);
    }

    @Test
    void printsNothingWhenEmpty() {
        assertThat(printed(new Table())).isEmpty();
    }
}
