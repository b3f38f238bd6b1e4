package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.MethodHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per state-changing call: who (uid, pid, command), what, and the result. A method
 * that succeeds says what it did; {@link #changing} reports its failure instead. Reads are not
 * audited, so the log stays readable on a busy host. uid, pid and comm are key-value pairs too,
 * so the JSON log format carries them as fields.
 */
final class Audit {

    private static final Logger log = LoggerFactory.getLogger("io.bpfkeeper.audit");

    private Audit() {
    }

    static void changed(Connection caller, String action) {
        line(caller, action);
    }

    /** Wraps a state-changing method so that a failure is audited as well, with its reason. */
    static MethodHandler changing(MethodHandler method) {
        return call -> {
            try {
                method.handle(call);
            } catch (Exception e) {
                line(call.connection(), shortName(call) + " failed: " + e.getMessage());
                throw e;
            }
        };
    }

    private static String shortName(CallContext call) {
        String method = call.call().method();
        return method.substring(method.lastIndexOf('.') + 1);
    }

    private static void line(Connection caller, String action) {
        String command = command(caller.pid());
        log.atInfo()
                .addKeyValue("uid", caller.uid())
                .addKeyValue("pid", caller.pid())
                .addKeyValue("comm", command)
                .log("uid={} pid={} comm={}: {}", caller.uid(), caller.pid(), command, action);
    }

    /** The caller's command name; it may have exited already, which is worth saying too. */
    private static String command(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "(exited)";
        }
    }
}
