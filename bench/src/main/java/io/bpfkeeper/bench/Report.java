package io.bpfkeeper.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The figures of a run: a table for people and a JSON file for tools, both saying where and how it ran. */
final class Report {

    /** The figures of one benchmark. */
    record Section(String benchmark, List<Figure> figures) {
    }

    private static final String[] COLUMNS = {
        "benchmark", "figure", "daemon", "baseline", "", "ratio", "ratio by round", "target", "met"};

    private final ObjectNode environment;
    private final List<Section> sections;

    /** @param environment the machine, the date and the options of the run, shown first in both forms */
    Report(ObjectNode environment, List<Section> sections) {
        this.environment = environment;
        this.sections = sections;
    }

    void print(PrintStream out) {
        environment.properties().forEach(field -> out.println(field.getKey() + ": " + field.getValue().asText()));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (Section section : sections) {
            for (Figure figure : section.figures()) {
                rows.add(row(section.benchmark(), figure));
            }
        }
        int[] widths = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.length; column++) {
                line.append(row[column]).append(" ".repeat(widths[column] - row[column].length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        long missed = sections.stream().flatMap(section -> section.figures().stream())
                .filter(figure -> figure.target() != null && !figure.target().metBy(figure)).count();
        out.println();
        out.println(missed == 0 ? "every target met" : missed + " target(s) missed");
    }

    private static String[] row(String benchmark, Figure figure) {
        Unit unit = figure.unit();
        String baseline = "";
        String baselineValue = "";
        String ratio = "";
        String ratioByRound = "";
        if (figure.hasBaseline()) {
            baseline = figure.baseline();
            baselineValue = unit.format(figure.baselineValue());
            ratio = String.format(Locale.ROOT, "%.2f", figure.ratio());
            List<Double> ratios = figure.roundRatios();
            ratioByRound = String.format(Locale.ROOT, "%.2f–%.2f", Collections.min(ratios), Collections.max(ratios));
        }
        Target target = figure.target();
        return new String[] {
            benchmark, figure.name(), unit.format(figure.value()), baseline, baselineValue, ratio, ratioByRound,
            target == null ? "" : target.describe(unit),
            target == null ? "" : target.metBy(figure) ? "yes" : "NO"};
    }

    void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = environment.deepCopy();
        ArrayNode benchmarks = root.putArray("benchmarks");
        for (Section section : sections) {
            ObjectNode benchmark = benchmarks.addObject().put("name", section.benchmark());
            ArrayNode figures = benchmark.putArray("figures");
            for (Figure figure : section.figures()) {
                figures.add(figureJson(json, figure));
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        json.writeValue(file.toFile(), root);
    }

    private static ObjectNode figureJson(ObjectMapper json, Figure figure) {
        ObjectNode node = json.createObjectNode()
                .put("name", figure.name())
                .put("unit", figure.unit().name().toLowerCase(Locale.ROOT))
                .put("value", figure.value());
        node.set("rounds", json.valueToTree(figure.rounds()));
        if (figure.hasBaseline()) {
            node.put("baseline", figure.baseline()).put("baselineValue", figure.baselineValue())
                    .put("ratio", figure.ratio());
            node.set("baselineRounds", json.valueToTree(figure.baselineRounds()));
        }
        if (figure.target() != null) {
            node.put("target", figure.target().describe(figure.unit())).put("met", figure.target().metBy(figure));
        }
        return node;
    }
}
