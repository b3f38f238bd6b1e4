package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

    /** The messages of a NUL-framed byte stream, each parsed. */
    public static List<JsonNode> messages(byte[] stream) {
        List<JsonNode> messages = new ArrayList<>();
        int start = 0;
        for (int end = 0; end < stream.length; end++) {
            if (stream[end] == 0) {
                messages.add(parse(new String(stream, start, end - start, StandardCharsets.UTF_8)));
                start = end + 1;
            }
        }
        assertThat(start).as("bytes after the last NUL").isEqualTo(stream.length);
        return messages;
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
