package io.bpfkeeper.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.protocol.types.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of {@code map update-batch}, in one of three forms: lines of
 * {@code KEYHEX VALUEHEX}, as a shell script writes them, with blank lines
 * and {@code #} comments allowed; a JSON array of {@code {"key", "value"}}
 * objects, as other programs write them; or such objects one after another,
 * as {@code map dump --json} prints them. Keys and values are hex in any form
 * {@link Hex} accepts, except that on a line, where whitespace separates the
 * key from the value, each must be one word.
 */
final class BatchInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchInput() {
    }

    /** @throws IllegalArgumentException naming the line or entry that is malformed */
    static List<Entry> parse(String text) {
        String start = text.stripLeading();
        return start.startsWith("[") || start.startsWith("{") ? parseJson(text) : parseLines(text);
    }

    private static List<Entry> parseLines(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected KEYHEX VALUEHEX, got \"" + line
                        + "\"");
            }
            entries.add(entry(fields[0], fields[1], "line " + (i + 1)));
        }
        return entries;
    }

    private static List<Entry> parseJson(String text) {
        List<JsonNode> elements = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(text)) {
            while (values.hasNextValue()) {
                JsonNode value = values.nextValue();
                if (value.isArray()) {
                    value.forEach(elements::add);
                } else {
                    elements.add(value);
                }
            }
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException
                    ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("not valid JSON: " + reason, e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            String where = "entry " + (i + 1);
            if (!element.path("key").isTextual() || !element.path("value").isTextual()) {
                throw new IllegalArgumentException(where + ": expected {\"key\": HEX, \"value\": HEX}, got " + element);
            }
            entries.add(entry(element.get("key").textValue(), element.get("value").textValue(), where));
        }
        return entries;
    }

    private static Entry entry(String key, String value, String where) {
        try {
            return new Entry(Hex.normalize(key), Hex.normalize(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
