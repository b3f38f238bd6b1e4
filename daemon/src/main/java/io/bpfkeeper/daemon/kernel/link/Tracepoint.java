package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.ProgramType;
import java.util.regex.Pattern;

/** Tracepoint links: a tracepoint program on a kernel tracepoint, through a perf event. */
public final class Tracepoint {

    private static final int PERF_TYPE_TRACEPOINT = 2;
    /** Tracepoint names are C identifiers; anything else could walk out of tracefs. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private Tracepoint() {
    }

    /** @param category such as "syscalls"; @param name such as "sys_enter_getpid" */
    public record Options(String category, String name) implements AttachOptions {
        @Override
        public String toString() {
            return "tracepoint " + category + "/" + name;
        }
    }

    public static BpfLink attach(BpfProgram program, Options options) {
        Hooks.requireType(program, "tracepoint", ProgramType.TRACEPOINT);
        requireName(Part.TRACEPOINT_CATEGORY, "category", options.category());
        requireName(Part.TRACEPOINT_NAME, "name", options.name());
        int id = Tracefs.eventId(options.category(), options.name());
        String where = options.category() + "/" + options.name();
        try {
            return PerfEvent.attach(program, PerfEvent.open(PERF_TYPE_TRACEPOINT, id, 0, 0), options);
        } catch (BpfException e) {
            throw e.withContext("attach tracepoint link to " + where);
        }
    }

    private static void requireName(Part part, String what, String value) {
        if (!NAME.matcher(value).matches()) {
            throw new InvalidTargetException(part, "\"" + value + "\" is not a tracepoint " + what
                    + ": letters, digits and '_' only");
        }
    }
}
