package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.FileSystemType;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cgroup links (Linux 5.7): a program on a cgroup v2 directory, for the processes in it and in its
 * descendants, for as long as the link lives.
 */
public final class Cgroup {

    private static final long CGROUP2_SUPER_MAGIC = 0x63677270L;
    private static final long CGROUP_SUPER_MAGIC = 0x27e0ebL;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    /** The attach types each cgroup program type takes, as the kernel's attach_type_to_prog_type maps them. */
    private static final Map<String, List<String>> ATTACH_TYPES = Map.of(
            "cgroup_skb", List.of("cgroup_inet_ingress", "cgroup_inet_egress"),
            "cgroup_sock", List.of("cgroup_inet_sock_create", "cgroup_inet_sock_release", "cgroup_inet4_post_bind",
                    "cgroup_inet6_post_bind"),
            "cgroup_sock_addr", List.of("cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect",
                    "cgroup_inet6_connect", "cgroup_unix_connect", "cgroup_inet4_getpeername",
                    "cgroup_inet6_getpeername", "cgroup_unix_getpeername", "cgroup_inet4_getsockname",
                    "cgroup_inet6_getsockname", "cgroup_unix_getsockname", "cgroup_udp4_sendmsg",
                    "cgroup_udp6_sendmsg", "cgroup_unix_sendmsg", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg",
                    "cgroup_unix_recvmsg"),
            "sock_ops", List.of("cgroup_sock_ops"),
            "cgroup_device", List.of("cgroup_device"),
            "cgroup_sysctl", List.of("cgroup_sysctl"),
            "cgroup_sockopt", List.of("cgroup_getsockopt", "cgroup_setsockopt"),
            "lsm", List.of("lsm_cgroup"));

    private Cgroup() {
    }

    /** @param cgroup an absolute path to a directory of a cgroup v2 hierarchy */
    public record Options(Path cgroup, AttachType attachType) implements AttachOptions {
        @Override
        public String toString() {
            return attachType + " of cgroup " + cgroup;
        }
    }

    public static BpfLink attach(BpfProgram program, Options options) {
        requireFit(program, options.attachType());
        try (Fd directory = open(options.cgroup()); Fd.Lease target = directory.lease()) {
            return BpfLink.create(program, target.number(), options.attachType(), 0, options);
        } catch (BpfException e) {
            throw e.withContext("attach cgroup link to " + options.cgroup() + " at " + options.attachType());
        }
    }

    private static void requireFit(BpfProgram program, AttachType attachType) {
        String programType = program.info().type().name();
        List<String> fitting = ATTACH_TYPES.get(programType);
        if (fitting == null) {
            throw new InvalidTargetException("programId", program + " is a " + programType
                    + " program; hook cgroup runs " + ATTACH_TYPES.keySet().stream().sorted()
                            .collect(Collectors.joining(", ")) + " programs");
        }
        if (!fitting.contains(attachType.name())) {
            throw new InvalidTargetException("attachType", program + " is a " + programType + " program, which"
                    + " attaches to a cgroup at " + String.join(", ", fitting) + ", not at " + attachType);
        }
    }

    /** Opens the cgroup directory, and refuses anything but a cgroup v2 one: BPF attaches to no other. */
    private static Fd open(Path cgroup) {
        if (!cgroup.isAbsolute()) {
            throw new InvalidTargetException("cgroup", "\"" + cgroup + "\" is not an absolute path");
        }
        int raw = LibC.INSTANCE.open(cgroup.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (raw < 0) {
            int errno = LibC.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
                throw new InvalidTargetException("cgroup", "no directory " + cgroup);
            }
            throw new BpfException("open", errno).withContext("open cgroup " + cgroup);
        }
        return Fd.adopt(raw).into(directory -> {
            long type = FileSystemType.of(directory);
            if (type != CGROUP2_SUPER_MAGIC) {
                throw new InvalidTargetException("cgroup", cgroup + " is not a cgroup v2 directory"
                        + (type == CGROUP_SUPER_MAGIC ? " but a cgroup v1 one, to which BPF cannot attach" : "")
                        + "; " + cgroupV2Mounts());
            }
            return directory;
        });
    }

    private static String cgroupV2Mounts() {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields.length > 2 && fields[2].equals("cgroup2"))
                    .map(fields -> fields[1])
                    .toList();
            return mounts.isEmpty() ? "this host has no cgroup v2 hierarchy mounted"
                    : "cgroup v2 is mounted at " + String.join(", ", mounts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
