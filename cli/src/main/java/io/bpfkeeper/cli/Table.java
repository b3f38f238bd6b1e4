package io.bpfkeeper.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of cells printed in aligned columns, the way {@code kubectl get}
 * prints them. A header is just the first row, and a key/value block is a
 * table whose first column holds the keys. Lines carry no trailing blanks.
 */
final class Table {
    /** Stands in an empty cell, so that the columns stay readable. */
    static final String NONE = "-";

    private static final String COLUMN_GAP = "  ";

    private final List<List<String>> rows = new ArrayList<>();

    /** Adds a row; each cell is printed with {@link String#valueOf(Object)}. */
    Table row(Object... cells) {
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    /** For a key with many values: the first beside the key, each further one on a row of its own below it. */
    Table listRows(String key, List<?> values) {
        if (values.isEmpty()) {
            row(key, NONE);
        }
        for (int i = 0; i < values.size(); i++) {
            row(i == 0 ? key : "", values.get(i));
        }
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        List<Integer> widths = columnWidths();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.size(); column++) {
                String cell = row.get(column);
                line.append(cell).append(" ".repeat(widths.get(column) - cell.length())).append(COLUMN_GAP);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private List<Integer> columnWidths() {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int column = 0; column < row.size(); column++) {
                int width = row.get(column).length();
                if (column == widths.size()) {
                    widths.add(width);
                } else if (width > widths.get(column)) {
                    widths.set(column, width);
                }
            }
        }
        return widths;
    }
}
