package io.bpfkeeper.daemon.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys and values travel as hex of the raw bytes: lowercase when the daemon writes it, either case
 * when it reads it. A MapUpdateBatch decodes hundreds of thousands of these strings, so both ways
 * go through lookup tables rather than per-character arithmetic such as {@code Character.digit}.
 */
final class Hex {

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    /**
     * The value of each ASCII hex digit, indexed by character; -1 for every other ASCII character,
     * so that a pair with a bad digit combines into a negative byte value.
     */
    private static final int[] DIGIT_VALUES = new int[128];

    static {
        Arrays.fill(DIGIT_VALUES, -1);
        for (int value = 0; value < 16; value++) {
            DIGIT_VALUES[DIGITS[value]] = value;
            DIGIT_VALUES[Character.toUpperCase(DIGITS[value])] = value;
        }
    }

    private Hex() {
    }

    static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }

    static String encode(byte[] bytes, int offset, int length) {
        byte[] text = new byte[2 * length];
        for (int i = 0; i < length; i++) {
            int value = bytes[offset + i] & 0xff;
            text[2 * i] = DIGITS[value >>> 4];
            text[2 * i + 1] = DIGITS[value & 0xf];
        }
        // Hex digits are ASCII: a Latin-1 string takes the bytes as they are.
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Decodes hex; null when the text is not an even number of hex digits. */
    static byte[] decode(String text) {
        byte[] bytes = new byte[text.length() / 2];
        return decodeInto(text.toCharArray(), 0, text.length(), bytes, 0) ? bytes : null;
    }

    /**
     * Decodes {@code length} characters of hex from {@code text} at {@code offset} straight into
     * {@code target} at {@code targetOffset}, which has room for {@code length / 2} bytes: for
     * batches, whose strings the JSON parser hands over as characters. Returns false when the text
     * is not an even number of hex digits; the bytes written before the bad digit are then garbage.
     */
    static boolean decodeInto(char[] text, int offset, int length, byte[] target, int targetOffset) {
        if ((length & 1) != 0) {
            return false;
        }
        for (int i = 0; i < length / 2; i++) {
            char high = text[offset + 2 * i];
            char low = text[offset + 2 * i + 1];
            if ((high | low) >= DIGIT_VALUES.length) {
                return false;
            }
            // Negative when either is no digit: -1 shifted or or-ed stays negative.
            int value = DIGIT_VALUES[high] << 4 | DIGIT_VALUES[low];
            if (value < 0) {
                return false;
            }
            target[targetOffset + i] = (byte) value;
        }
        return true;
    }
}
