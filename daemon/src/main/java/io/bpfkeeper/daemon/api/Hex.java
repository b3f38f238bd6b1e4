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
    /** Beyond ASCII, where no hex digit is. */
    private static final int ASCII = 128;
    /**
     * The byte that each pair of ASCII characters spells, indexed by {@code first * 128 + second};
     * -1 where either is no hex digit. One load a byte: in a batch's profile, decoding was as
     * costly as tokenizing the JSON around it.
     */
    private static final short[] PAIR_VALUES = new short[ASCII * ASCII];

    static {
        Arrays.fill(PAIR_VALUES, (short) -1);
        String digits = "0123456789abcdefABCDEF";
        for (char high : digits.toCharArray()) {
            for (char low : digits.toCharArray()) {
                PAIR_VALUES[high * ASCII + low] = (short) (Character.digit(high, 16) << 4 | Character.digit(low, 16));
            }
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
        int end = offset + length;
        for (int at = offset, to = targetOffset; at < end; at += 2, to++) {
            char high = text[at];
            char low = text[at + 1];
            if ((high | low) >= ASCII) {
                return false;
            }
            int value = PAIR_VALUES[high * ASCII + low];
            if (value < 0) {
                return false;
            }
            target[to] = (byte) value;
        }
        return true;
    }
}
