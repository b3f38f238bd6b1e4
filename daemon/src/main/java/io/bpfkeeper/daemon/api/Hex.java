package io.bpfkeeper.daemon.api;

import java.util.HexFormat;

/** Keys and values travel as lowercase hex of the raw bytes. */
final class Hex {

    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {
    }

    static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    static String encode(byte[] bytes, int offset, int length) {
        return FORMAT.formatHex(bytes, offset, offset + length);
    }

    /** Decodes hex; null when the text is not an even number of hex digits. */
    static byte[] decode(String text) {
        if ((text.length() & 1) != 0) {
            return null;
        }
        try {
            return FORMAT.parseHex(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Decodes hex straight into {@code target} at {@code offset}, for batches of many entries.
     * Returns false when the text is not exactly {@code length} bytes of hex.
     */
    static boolean decodeInto(String text, byte[] target, int offset, int length) {
        if (text.length() != 2 * length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int high = Character.digit(text.charAt(2 * i), 16);
            int low = Character.digit(text.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return false;
            }
            target[offset + i] = (byte) ((high << 4) | low);
        }
        return true;
    }
}
