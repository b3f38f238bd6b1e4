package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON for tests. Tests write it with single quotes, so that messages read as they travel, without
 * a backslash before every quote; no test string needs a single quote of its own.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The text with every single quote turned into a double quote; it need not be valid JSON. */
    public static String text(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    public static ObjectNode object(String singleQuoted) {
        JsonNode parsed = parse(text(singleQuoted));
        if (!parsed.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + singleQuoted);
        }
        return (ObjectNode) parsed;
    }

    /** Double-quoted JSON, as it travels. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
