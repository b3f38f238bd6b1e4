package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The labels that a client gives an object. They are bounded, as Kubernetes bounds its labels, since
 * the daemon keeps them in memory, in its journal and in every List reply. Keys under
 * {@value #DAEMON_PREFIX} are the daemon's own, such as the group of a LoadObject: a client may read
 * them but not set them, or it could put its objects in another user's group.
 */
final class Labels {

    static final String DAEMON_PREFIX = "bpfkeeper.io/";
    static final int MAX_LABELS = 64;
    static final int MAX_KEY_CHARS = 253;
    static final int MAX_VALUE_CHARS = 1024;
    /** Keys and values together, in UTF-8 bytes. */
    static final int MAX_TOTAL_BYTES = 16 * 1024;

    private Labels() {
    }

    /** The labels in {@code labels}, a JSON object of strings, after checking every bound. */
    static Map<String, String> fromClient(String parameter, JsonNode labels) throws VarlinkError {
        if (labels.size() > MAX_LABELS) {
            throw ApiErrors.invalidArgument(parameter, labels.size() + " labels; an object takes at most "
                    + MAX_LABELS);
        }
        Map<String, String> checked = new LinkedHashMap<>();
        long totalBytes = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String value = entry.getValue().asText();
            String named = parameter + "." + LogText.escape(key);
            checkKey(named, key);
            int valueChars = value.codePointCount(0, value.length());
            if (valueChars > MAX_VALUE_CHARS) {
                throw ApiErrors.invalidArgument(named, "the value has " + valueChars + " characters; a label value"
                        + " has at most " + MAX_VALUE_CHARS);
            }
            if (value.codePoints().anyMatch(Character::isISOControl)) {
                throw ApiErrors.invalidArgument(named, "the value has a control character, such as a newline");
            }
            totalBytes += key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
            checked.put(key, value);
        }
        if (totalBytes > MAX_TOTAL_BYTES) {
            throw ApiErrors.invalidArgument(parameter, "the labels' keys and values take " + totalBytes
                    + " bytes (UTF-8); an object's labels take at most " + MAX_TOTAL_BYTES + " bytes in all");
        }
        return checked;
    }

    /**
     * 1 to 253 characters, none of them '=' (List's selector "key=value" splits there), blank,
     * control or invisible, so that a key reads back as itself; never under the daemon's prefix.
     */
    private static void checkKey(String named, String key) throws VarlinkError {
        int chars = key.codePointCount(0, key.length());
        if (chars == 0 || chars > MAX_KEY_CHARS) {
            throw ApiErrors.invalidArgument(named, "the key has " + chars + " characters; a label key has 1 to "
                    + MAX_KEY_CHARS);
        }
        if (key.codePoints().anyMatch(c -> c == '=' || !printable(c))) {
            throw ApiErrors.invalidArgument(named, "a label key has no '=', blank, control or invisible characters");
        }
        if (key.toLowerCase(Locale.ROOT).startsWith(DAEMON_PREFIX)) {
            throw ApiErrors.invalidArgument(named, "the prefix " + DAEMON_PREFIX + " is the daemon's: clients may"
                    + " read such labels but not set them");
        }
    }

    private static boolean printable(int c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return false;
        }
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE && type != Character.SURROGATE;
    }
}
