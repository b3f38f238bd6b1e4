package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.logging.JournaldAppender;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.MethodHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per state-changing call: who (uid, pid, command), what, and the result. A method
 * that succeeds says what it did; {@link #changing} reports its failure instead. Reads are not
 * audited, so the log stays readable on a busy host.
 *
 * <p>Who is never what the request says: uid and pid are SO_PEERCRED's, taken when the client
 * connected, and the command is /proc/PID/comm, which a process names itself, so it is escaped like
 * every client string. The line's fields are key-value pairs too (caller_uid, caller_pid,
 * caller_comm, method, object, result, error), which the JSON log format and the journal carry as
 * fields of their own.
 */
final class Audit {

    private static final Logger log = LoggerFactory.getLogger(JournaldAppender.AUDIT_LOGGER);

    /** How much of an action or an error a line carries; client values in them are cut shorter. */
    private static final int MAX_TEXT = 4096;

    private Audit() {
    }

    /**
     * @param object what the call changed, such as "map 42", for the object field
     * @param action what it did, with every client value in it escaped ({@link LogText#quote})
     */
    static void changed(CallContext call, Object object, String action) {
        line(call, String.valueOf(object), "ok", null, action);
    }

    /** Wraps a state-changing method so that a failure is audited as well, with its reason. */
    static MethodHandler changing(MethodHandler method) {
        return call -> {
            try {
                method.handle(call);
            } catch (Exception e) {
                String error = LogText.oneLine(e.getMessage(), MAX_TEXT);
                line(call, null, "failed", error, shortName(call) + " failed: " + error);
                throw e;
            }
        };
    }

    /** A call the policy refused before its handler ran, read or change alike: a refusal is always news. */
    static void refused(CallContext call, Exception refusal) {
        String error = LogText.oneLine(refusal.getMessage(), MAX_TEXT);
        line(call, null, "refused", error, shortName(call) + " refused: " + error);
    }

    private static String shortName(CallContext call) {
        String method = call.call().method();
        return method.substring(method.lastIndexOf('.') + 1);
    }

    private static void line(CallContext call, String object, String result, String error, String action) {
        Connection caller = call.connection();
        String command = command(caller.pid());
        LoggingEventBuilder line = log.atInfo()
                .addKeyValue("caller_uid", caller.uid())
                .addKeyValue("caller_pid", caller.pid())
                .addKeyValue("caller_comm", LogText.escape(command))
                .addKeyValue("method", call.call().method());
        if (object != null) {
            line.addKeyValue("object", object);
        }
        line.addKeyValue("result", result);
        if (error != null) {
            line.addKeyValue("error", error);
        }
        line.log("uid={} pid={} comm={}: {}", caller.uid(), caller.pid(), LogText.quote(command),
                LogText.oneLine(action, MAX_TEXT));
    }

    /**
     * The caller's command name, as the kernel ends it with a newline; bytes that are not UTF-8 are
     * replaced, not refused. The caller may have exited already, which is worth saying too.
     */
    private static String command(int pid) {
        try {
            String comm = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "comm")),
                    StandardCharsets.UTF_8);
            return comm.endsWith("\n") ? comm.substring(0, comm.length() - 1) : comm;
        } catch (IOException e) {
            return "(exited)";
        }
    }
}
