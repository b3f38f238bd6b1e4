package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Path;

/**
 * Something that holds a reference to a BPF object and so keeps it alive, as the lifetime model
 * lists them. Each says in plain words what it is and what ends its hold.
 */
public sealed interface Holder {

    /** What it is, such as "process 812 (agent) holds fd 7". */
    String description();

    /** What ends its hold, such as "when it closes the fd or exits". */
    String endsWhen();

    /** A process with an fd on the object; fds inherited over fork or passed over SCM_RIGHTS alike. */
    record ProcessFd(int pid, String command, int fd) implements Holder {
        @Override
        public String description() {
            return "process " + pid + " (" + command + ") holds fd " + fd;
        }

        @Override
        public String endsWhen() {
            return "it closes fd " + fd + " or exits";
        }
    }

    /** A file in a bpffs. */
    record Pin(Path path) implements Holder {
        @Override
        public String description() {
            return "pinned at " + path;
        }

        @Override
        public String endsWhen() {
            return "the pin is removed or its bpffs is unmounted (at the latest at reboot)";
        }
    }

    /** A bpf_link that holds a program. */
    record Link(int linkId, String type, String target) implements Holder {
        @Override
        public String description() {
            return "link " + linkId + " (" + type + ", " + target + ") holds it";
        }

        @Override
        public String endsWhen() {
            return "link " + linkId + " is freed: its last fd and pin are gone";
        }
    }

    /** A hook that holds a program attached without a link: legacy cgroup attach, tcx. */
    record Attachment(String target, String hook) implements Holder {
        @Override
        public String description() {
            return "attached to " + target + " at " + hook + " without a link";
        }

        @Override
        public String endsWhen() {
            return "it is detached or " + target + " goes away";
        }
    }

    /** A program that uses a map: the verifier recorded it in the program's used maps. */
    record UsingProgram(int programId, String name) implements Holder {
        @Override
        public String description() {
            return "program " + programId + " (" + name + ") uses it";
        }

        @Override
        public String endsWhen() {
            return "program " + programId + " is freed";
        }
    }

    /** bpfkeeper's own fd, held for a client. */
    record Daemon(int ownerUid, int ownerPid, Lifetime lifetime) implements Holder {
        @Override
        public String description() {
            return "bpfkeeper holds it for uid " + ownerUid + " (created or adopted by pid " + ownerPid
                    + "), lifetime " + lifetime.wireName();
        }

        @Override
        public String endsWhen() {
            return lifetime == Lifetime.SESSION
                    ? "that client's connection closes, it is released, or bpfkeeper stops"
                    : "it is released, or bpfkeeper stops";
        }
    }

    /** An fd bpfkeeper handed to systemd's fd store, which keeps it across daemon restarts. */
    record FdStore(String entry) implements Holder {
        @Override
        public String description() {
            return "systemd's fd store keeps it as " + entry + " across restarts of bpfkeeper";
        }

        @Override
        public String endsWhen() {
            return "it is released, or the bpfkeeper unit is stopped rather than restarted";
        }
    }
}
