package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages protocol tests send and expect, in single-quoted JSON (see {@link Json}), and how
 * they travel: each one compact JSON followed by a NUL.
 */
final class Messages {

    static final String GET_INFO_CALL = "{'method': 'org.varlink.service.GetInfo'}";
    static final String WAIT_CALL = "{'method': 'io.bpfkeeper.test.Wait'}";

    private Messages() {
    }

    /** Creates a map of one element: a worker call whose effect a test can see. */
    static String createMap(String name) {
        return "{'method': 'io.bpfkeeper.CreateMap', 'parameters': {'name': '" + name + "', 'type': 'array',"
                + " 'keySize': 4, 'valueSize': 4, 'maxEntries': 1}}";
    }

    /** Gets a map the daemon does not own; the error names the id, so that replies tell apart. */
    static String getMap(int id) {
        return "{'method': 'io.bpfkeeper.Get', 'parameters': {'kind': 'map', 'id': " + id + "}}";
    }

    static JsonNode noSuchMap(int id) {
        return Json.object("{'error': 'io.bpfkeeper.NoSuchObject', 'parameters': {'kind': 'map', 'id': " + id
                + ", 'message': 'bpfkeeper owns no map " + id + "'}}");
    }

    /** The calls as they travel, one after another, ready for one write. */
    static byte[] framed(String... singleQuotedCalls) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (String call : singleQuotedCalls) {
            stream.writeBytes(raw(Json.object(call).toString() + "\0"));
        }
        return stream.toByteArray();
    }

    /** Bytes as given, such as the pieces of a broken message: UTF-8, with no NUL added. */
    static byte[] raw(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            stream.writeBytes(piece);
        }
        return stream.toByteArray();
    }

    /** The messages of a NUL-framed byte stream, each parsed. */
    static List<JsonNode> split(byte[] stream) {
        List<JsonNode> messages = new ArrayList<>();
        int start = 0;
        for (int end = 0; end < stream.length; end++) {
            if (stream[end] == 0) {
                messages.add(Json.parse(new String(stream, start, end - start, StandardCharsets.UTF_8)));
                start = end + 1;
            }
        }
        assertThat(start).as("bytes after the last NUL").isEqualTo(stream.length);
        return messages;
    }
}
