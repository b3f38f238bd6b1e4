package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fds systemd passes at start (sd_listen_fds_with_names): the listening sockets of the socket
 * unit, then the fd store's entries, from fd 3 on, named in LISTEN_FDNAMES.
 */
final class ListenFds {

    private static final Logger log = LoggerFactory.getLogger(ListenFds.class);
    private static final int SD_LISTEN_FDS_START = 3;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    /** One passed fd and the name systemd gave it: FileDescriptorName= of a socket, FDNAME= of a stored fd. */
    record Passed(String name, Fd fd) {
    }

    private ListenFds() {
    }

    /**
     * Takes ownership of the passed fds, marked close-on-exec. Empty unless LISTEN_PID names this
     * process: a child that merely inherited the variables must not take fds meant for its parent.
     */
    static List<Passed> take(Map<String, String> environment, long pid) {
        String listenPid = environment.get("LISTEN_PID");
        String listenFds = environment.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return List.of();
        }
        if (!listenPid.equals(Long.toString(pid))) {
            log.warn("LISTEN_FDS is meant for pid {}, not this process ({}); ignoring the passed fds", listenPid, pid);
            return List.of();
        }
        int count;
        try {
            count = Integer.parseInt(listenFds);
        } catch (NumberFormatException e) {
            log.warn("LISTEN_FDS={} is not a number; ignoring the passed fds", listenFds);
            return List.of();
        }
        List<String> names = names(environment.get("LISTEN_FDNAMES"), count);
        List<Passed> passed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int raw = SD_LISTEN_FDS_START + i;
            // systemd leaves them inheritable; nothing this daemon runs should inherit a BPF object.
            if (LibC.INSTANCE.fcntl(raw, F_SETFD, FD_CLOEXEC) < 0) {
                log.warn("passed fd {} ({}) is not open; skipping it", raw, names.get(i));
                continue;
            }
            passed.add(new Passed(names.get(i), Fd.adopt(raw)));
        }
        return passed;
    }

    /** The names, or "unknown" for each fd, as sd_listen_fds_with_names says, when they do not add up. */
    private static List<String> names(String listenFdNames, int count) {
        List<String> names = listenFdNames == null ? List.of() : List.of(listenFdNames.split(":", -1));
        if (names.size() == count) {
            return names;
        }
        if (listenFdNames != null) {
            log.warn("LISTEN_FDNAMES names {} fds but LISTEN_FDS is {}; treating every name as unknown",
                    names.size(), count);
        }
        return Collections.nCopies(count, "unknown");
    }
}
