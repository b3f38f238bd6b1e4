package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.libbpf.XdpQuery;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.daemon.kernel.netlink.TcFilters;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Path;
import java.util.Locale;

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

    /**
     * A hook that holds a program without a link. The kernel holds it there for as long as it is
     * attached: it outlives bpfkeeper and every process, until it is removed or what it is attached
     * to goes away.
     */
    sealed interface Attachment extends Holder {

        /** What it is attached to, such as "cgroup /sys/fs/cgroup/x" or "veth0 in network namespace blue". */
        String target();

        /** Where on that, such as "cgroup_inet_ingress" or "tc ingress pref 1 handle 0x1". */
        String hook();
    }

    /** Attached with BPF_PROG_ATTACH, which BPF_PROG_QUERY reports: a legacy cgroup attach, or tcx. */
    record ProgAttachment(String target, String hook) implements Attachment {
        @Override
        public String description() {
            return "attached to " + target + " at " + hook + " without a link";
        }

        @Override
        public String endsWhen() {
            return "it is detached or " + target + " goes away";
        }
    }

    /** An attachment to a network device, which it goes away with. */
    sealed interface DeviceAttachment extends Attachment {

        NetDevice device();

        /** Such as "veth0 in network namespace blue": device names are unique only within one. */
        @Override
        default String target() {
            return device().name() + " in " + device().netns();
        }
    }

    /** A tc cls_bpf filter: the kernel's tc subsystem holds its program. */
    record TcFilter(NetDevice device, TcFilters.BpfFilter filter) implements DeviceAttachment {
        @Override
        public String hook() {
            return "tc " + filter.direction().label() + place();
        }

        @Override
        public String description() {
            return "the tc subsystem holds it as filter" + place() + " on " + filter.direction().label() + " of "
                    + target() + " (cls_bpf" + (filter.name().isEmpty() ? "" : " " + filter.name())
                    + (filter.directAction() ? ", direct-action" : "") + ")";
        }

        @Override
        public String endsWhen() {
            return "`" + device.command("tc", "filter del dev " + device.name() + " " + filter.direction().label()
                    + place() + " bpf") + "` deletes the filter or " + device.name() + " goes away";
        }

        /** Such as " pref 1 handle 0x1", as tc names a filter, with its chain unless that is chain 0. */
        private String place() {
            return (filter.chain() == 0 ? "" : " chain " + filter.chain()) + " pref " + filter.priority()
                    + " handle 0x" + Integer.toHexString(filter.handle());
        }
    }

    /** An XDP program that a device runs because netlink put it there, as {@code ip link set … xdp} does. */
    record NetlinkXdp(NetDevice device, XdpQuery.Mode mode) implements DeviceAttachment {
        @Override
        public String hook() {
            return "xdp (" + modeName() + ")";
        }

        @Override
        public String description() {
            return target() + " runs it as its XDP program in " + modeName() + " mode, attached through netlink";
        }

        @Override
        public String endsWhen() {
            return "`" + device.command("ip", "link set dev " + device.name() + " " + Xdp.netlinkKeyword(mode)
                    + " off") + "` removes it or " + device.name() + " goes away";
        }

        private String modeName() {
            return mode.name().toLowerCase(Locale.ROOT);
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
