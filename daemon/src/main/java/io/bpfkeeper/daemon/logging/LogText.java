package io.bpfkeeper.daemon.logging;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Strings that a client (or any other process) controls, made safe for a log line. A client can
 * put newlines in a pin path or an ELF symbol name; logged as they are, they would start lines of
 * their own that look like the daemon's, and under the journal no timestamp tells them apart.
 *
 * <p>{@link #escape} is for one client value: it writes backslash, control characters and
 * invisible or line-breaking Unicode as escapes, so that the escaped text reads back to one value
 * only, and cuts it at {@value #MAX_VALUE} characters. {@link #quote} puts the escaped value in
 * double quotes, which then cannot occur unescaped inside it, so a reader sees where the client's
 * part of a line begins and ends. {@link #oneLine} is the safety net for whole messages: it escapes
 * only what could break the line, so that text escaped before is not escaped twice.
 */
public final class LogText {

    /** How much of one client value a log line carries. */
    public static final int MAX_VALUE = 256;

    private LogText() {
    }

    /** One client value, escaped and cut at {@value #MAX_VALUE} characters. */
    public static String escape(Object value) {
        return render(String.valueOf(value), MAX_VALUE, Escaping.VALUE);
    }

    /** One client value, escaped, cut at {@value #MAX_VALUE} characters and in double quotes. */
    public static String quote(Object value) {
        return "\"" + render(String.valueOf(value), MAX_VALUE, Escaping.QUOTED_VALUE) + "\"";
    }

    /** Client values, each quoted, as a list: ["a", "b"]. */
    public static String quoteAll(Collection<?> values) {
        return values.stream().map(LogText::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A whole message that may hold client values: control characters and Unicode line breaks
     * become escapes, nothing else changes; cut at {@code limit} characters.
     */
    public static String oneLine(String message, int limit) {
        return render(String.valueOf(message), limit, Escaping.LINE_BREAKS);
    }

    private enum Escaping {
        LINE_BREAKS, VALUE, QUOTED_VALUE
    }

    private static String render(String text, int limit, Escaping escaping) {
        int end = cutAt(text, limit);
        StringBuilder out = new StringBuilder(end + 8);
        for (int i = 0; i < end; ) {
            int c = text.codePointAt(i);
            if (escaping != Escaping.LINE_BREAKS && (c == '\\' || (escaping == Escaping.QUOTED_VALUE && c == '"'))) {
                out.append('\\').append((char) c);
            } else if (breaksLine(c) || (escaping != Escaping.LINE_BREAKS && invisible(c))) {
                appendEscape(out, c);
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.append(cutMarker(text, end)).toString();
    }

    /** Where to cut {@code text} so that at most {@code limit} chars stay, never inside a surrogate pair. */
    private static int cutAt(String text, int limit) {
        if (text.length() <= limit) {
            return text.length();
        }
        return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }

    private static String cutMarker(String text, int end) {
        return end == text.length() ? "" : "…(+" + (text.length() - end) + ")";
    }

    /** Characters that end a line for a terminal, the journal or a log reader, or that steer one. */
    private static boolean breaksLine(int c) {
        return Character.getType(c) == Character.CONTROL
                || c == '\u2028' || c == '\u2029'
                || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    /** Characters a reader cannot see: format characters such as bidi overrides, unassigned ones. */
    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }

    private static void appendEscape(StringBuilder out, int c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (c <= 0xff) {
                    out.append(String.format("\\x%02x", c));
                } else {
                    out.append(String.format("\\u{%04x}", c));
                }
            }
        }
    }
}
