package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON written with single quotes in tests, so that messages read as they travel, without a
 * backslash before every quote. No test string needs a single quote of its own.
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
        try {
            return (ObjectNode) MAPPER.readTree(text(singleQuoted));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object: " + singleQuoted, e);
        }
    }
}
