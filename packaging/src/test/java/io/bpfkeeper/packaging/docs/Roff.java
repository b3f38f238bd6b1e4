package io.bpfkeeper.packaging.docs;

import java.util.Locale;

/**
 * A man page in roff with the man macros, written so that groff prints the text as it was given: every
 * piece of text passes through {@link #escape} or {@link #literal}, and every input line that would read as
 * a request gets a zero-width guard.
 */
final class Roff {
    private final StringBuilder page = new StringBuilder();

    /** The page's title line and its NAME section, as whatis and lexgrog read it. */
    Roff(String name, int section, String source, String summary) {
        macro("TH", name.toUpperCase(Locale.ROOT), Integer.toString(section), "", source,
                section == 1 ? "User Commands" : section == 5 ? "File Formats" : "System Administration");
        // Commands, paths and synopses read better unbroken and unstretched: no hyphenation, a ragged right.
        macro("nh");
        macro("ad", "l");
        macro("SH", "NAME");
        text(literal(name) + " \\- " + escape(summary));
    }

    /**
     * A macro such as {@code .TP} or a request such as {@code .ad}, with plain-text arguments. Only macros
     * take quoted arguments, so only an argument that needs quotes (empty, or with blanks) gets them.
     */
    Roff macro(String name, String... arguments) {
        page.append('.').append(name);
        for (String argument : arguments) {
            String escaped = escape(argument).replace("\"", "\\(dq");
            page.append(' ').append(escaped.isEmpty() || escaped.contains(" ") ? '"' + escaped + '"' : escaped);
        }
        page.append('\n');
        return this;
    }

    /**
     * Roff text, already escaped, in lines: filled by groff. Blank lines are left out, since in a man page
     * they stand for paragraph breaks, which are the macros' job.
     */
    Roff text(String roff) {
        roff.lines().map(String::strip).filter(line -> !line.isEmpty())
                .forEach(line -> page.append(guarded(line)).append('\n'));
        return this;
    }

    /** An indented paragraph whose mark, roff already, hangs to its left: a bullet or a number. */
    Roff item(String markRoff) {
        page.append(".IP ").append(markRoff).append(" 2\n");
        return this;
    }

    /** Lines printed as they are, in a fixed-width block set in from the margin. */
    Roff example(String plain) {
        macro("PP").macro("RS", "4").macro("nf");
        plain.lines().forEach(line -> page.append(guarded(literal(line))).append('\n'));
        return macro("fi").macro("RE");
    }

    /** Prose: backslashes and characters beyond ASCII escaped. Hyphens stay hyphens. */
    static String escape(String plain) {
        return escape(plain, false);
    }

    /** Something typed as it is (a command, an option, a path): hyphens become minus signs too. */
    static String literal(String plain) {
        return escape(plain, true);
    }

    static String bold(String roff) {
        return "\\fB" + roff + "\\fR";
    }

    static String italic(String roff) {
        return "\\fI" + roff + "\\fR";
    }

    private static String escape(String plain, boolean literal) {
        StringBuilder escaped = new StringBuilder(plain.length());
        plain.codePoints().forEach(c -> {
            if (c == '\\') {
                escaped.append("\\e");
            } else if (c == '-' && literal) {
                escaped.append("\\-");
            } else if (c > 0x7e) {
                escaped.append(String.format("\\[u%04X]", c));
            } else {
                escaped.appendCodePoint(c);
            }
        });
        return escaped.toString();
    }

    /** A text line starting with a dot or an apostrophe would be a request. */
    private static String guarded(String line) {
        return line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line;
    }

    @Override
    public String toString() {
        return page.toString();
    }
}
