package io.bpfkeeper.cli;

import java.util.HexFormat;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Keys and values as the daemon wants them: lowercase hex of the raw bytes,
 * with nothing between the digits. People write bytes as bpftool prints them
 * ({@code "01 00 00 00"}) or as C literals ({@code 0x01000000}), so both are
 * accepted and normalized.
 */
final class Hex {
    private Hex() {
    }

    /**
     * Normalizes hex written as one or more whitespace-separated groups, each
     * with an optional {@code 0x} prefix and an even number of digits. The
     * empty string stays empty: the key of a queue or stack map has no bytes.
     *
     * @throws IllegalArgumentException if the text is not hex in that form
     */
    static String normalize(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        for (String group : text.trim().split("\\s+")) {
            String groupDigits = group.startsWith("0x") || group.startsWith("0X") ? group.substring(2) : group;
            // Each group must be whole bytes: "0x1 0x2" is ambiguous, so it is refused rather than guessed.
            if (groupDigits.length() % 2 != 0) {
                throw new IllegalArgumentException("odd number of hex digits in \"" + group + "\"");
            }
            for (int i = 0; i < groupDigits.length(); i++) {
                if (!HexFormat.isHexDigit(groupDigits.charAt(i))) {
                    throw new IllegalArgumentException("\"" + group + "\" is not hex");
                }
            }
            digits.append(groupDigits);
        }
        return digits.toString().toLowerCase(Locale.ROOT);
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Lets an option or parameter take hex, so that malformed hex is a usage error. */
    static final class Converter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return normalize(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
