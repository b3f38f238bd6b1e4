package io.bpfkeeper.daemon.inspect;

import java.util.List;
import java.util.stream.Collectors;

/** The plain-language verdict of Explain, built from the holders the scans found. */
final class Verdict {

    private Verdict() {
    }

    /** For an id that names no object now. */
    static String gone(String subject) {
        return subject + " does not exist: the kernel has freed it, or it never existed.";
    }

    /**
     * @param subject such as "map 42 (counters)"
     * @param notes more sentences about consequences, such as what happens to a prog_array's entries
     */
    static String of(String subject, List<Holder> holders, boolean owned, List<String> notes) {
        StringBuilder text = new StringBuilder(subject);
        if (holders.isEmpty()) {
            text.append(" exists, but bpfkeeper sees nothing that holds it: something outside its view does,"
                    + " such as a tc filter or XDP program in a network namespace not named under /run/netns,"
                    + " a tc action, a prog_array or map-in-map entry, a perf event, or the kernel itself."
                    + " It dies when that lets go.");
        } else if (holders.size() == 1) {
            text.append(" stays alive while ").append(holds(holders.get(0))).append(". It dies when that is gone.");
        } else {
            text.append(" stays alive while any of: ")
                    .append(holders.stream().map(Verdict::holds).collect(Collectors.joining("; ")))
                    .append(". It dies when ").append(holders.size() == 2 ? "both" : "all " + holders.size())
                    .append(" are gone.");
        }
        text.append(owned ? " bpfkeeper owns it." : " bpfkeeper does not own it.");
        text.append(outlivingEveryProcess(holders.stream().filter(Holder.Attachment.class::isInstance).count()));
        for (String note : notes) {
            text.append(' ').append(note);
        }
        return text.toString();
    }

    /** What the lifetime model says of attachments without a link, which no process or daemon holds. */
    private static String outlivingEveryProcess(long attachments) {
        if (attachments == 0) {
            return "";
        }
        return attachments == 1
                ? " The attachment outlives bpfkeeper and every process: only removing it, or what it is attached"
                        + " to, ends its hold."
                : " The " + attachments + " attachments outlive bpfkeeper and every process: only removing them,"
                        + " or what they are attached to, ends their hold.";
    }

    private static String holds(Holder holder) {
        return holder.description() + " until " + holder.endsWhen();
    }
}
