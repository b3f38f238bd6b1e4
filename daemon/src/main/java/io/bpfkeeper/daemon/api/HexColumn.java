package io.bpfkeeper.daemon.api;

import java.util.Arrays;

/**
 * Hex strings decoded back to back into one growing array, such as the keys of a batch: no array
 * and no string per entry. Each string keeps its length; one that is not hex has length -1 and no
 * bytes.
 */
final class HexColumn {

    private byte[] bytes = new byte[1024];
    private int size;
    private int[] starts = new int[128];
    private int[] lengths = new int[128];
    private int count;

    /** Decodes {@code length} characters of {@code text} at {@code offset} as the next string. */
    void add(char[] text, int offset, int length) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, 2 * count);
            lengths = Arrays.copyOf(lengths, 2 * count);
        }
        int decodedLength = length / 2;
        if (size + decodedLength > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + decodedLength));
        }
        starts[count] = size;
        if (Hex.decodeInto(text, offset, length, bytes, size)) {
            lengths[count] = decodedLength;
            size += decodedLength;
        } else {
            lengths[count] = -1;
        }
        count++;
    }

    /** Forgets the strings from {@code index} on, so that a field given twice keeps its last value. */
    void truncate(int index) {
        if (index < count) {
            size = starts[index];
            count = index;
        }
    }

    int count() {
        return count;
    }

    /** The length in bytes of string {@code index}; -1 when it is not hex. */
    int length(int index) {
        return lengths[index];
    }

    /** Where string {@code index}'s bytes start in {@link #bytes}. */
    int start(int index) {
        return starts[index];
    }

    /** The decoded bytes, shared, with room to spare at the end. */
    byte[] bytes() {
        return bytes;
    }

    /** Every string's bytes back to back, in an array of their exact size. */
    byte[] joined() {
        return Arrays.copyOf(bytes, size);
    }
}
