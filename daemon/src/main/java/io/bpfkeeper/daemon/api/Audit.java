package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.varlink.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per state-changing call: who (uid, pid, command), what, and the result. Reads are
 * not audited, so the log stays readable on a busy host.
 */
final class Audit {

    private static final Logger log = LoggerFactory.getLogger("io.bpfkeeper.audit");

    private Audit() {
    }

    static void changed(Connection caller, String action) {
        log.info("uid={} pid={} comm={}: {}", caller.uid(), caller.pid(), command(caller.pid()), action);
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
