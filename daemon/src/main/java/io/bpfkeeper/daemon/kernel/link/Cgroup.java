package io.bpfkeeper.daemon.kernel.link;

import static io.bpfkeeper.daemon.kernel.OpenAt.O_CLOEXEC;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_DIRECTORY;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_NOFOLLOW;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_PATH;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_RDONLY;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.PinDirectory;
import io.bpfkeeper.daemon.kernel.FileSystemType;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.Mounts;
import io.bpfkeeper.daemon.kernel.OpenAt;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cgroup links (Linux 5.7): a program on a cgroup v2 directory, for the processes in it and in its
 * descendants, for as long as the link lives.
 */
public final class Cgroup {

    private static final long CGROUP2_SUPER_MAGIC = 0x63677270L;

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

    /**
     * An open cgroup v2 directory: what an attach is checked against and made to, whatever its path
     * comes to name afterwards.
     */
    public static final class Directory implements AutoCloseable {
        private final Path path;
        private final Fd fd;

        private Directory(Path path, Fd fd) {
            this.path = path;
            this.fd = fd;
        }

        /** The path the client gave. */
        public Path path() {
            return path;
        }

        public Fd fd() {
            return fd;
        }

        /** The directory's owner: a user to whom systemd's Delegate= gave it, say. */
        public int ownerUid() {
            return PinDirectory.status(fd).uid();
        }

        @Override
        public void close() {
            fd.close();
        }
    }

    public static BpfLink attach(BpfProgram program, Directory cgroup, AttachType attachType) {
        requireFit(program, attachType);
        try (Fd.Lease target = cgroup.fd().lease()) {
            return BpfLink.create(program, target.number(), attachType, 0, new Options(cgroup.path(), attachType));
        } catch (BpfException e) {
            throw e.withContext("attach cgroup link to " + cgroup.path() + " at " + attachType);
        }
    }

    private static void requireFit(BpfProgram program, AttachType attachType) {
        String programType = program.info().type().name();
        List<String> fitting = ATTACH_TYPES.get(programType);
        if (fitting == null) {
            throw new InvalidTargetException(Part.PROGRAM, program + " is a " + programType
                    + " program; hook cgroup runs " + ATTACH_TYPES.keySet().stream().sorted()
                            .collect(Collectors.joining(", ")) + " programs");
        }
        if (!fitting.contains(attachType.name())) {
            throw new InvalidTargetException(Part.ATTACH_TYPE, program + " is a " + programType + " program, which"
                    + " attaches to a cgroup at " + String.join(", ", fitting) + ", not at " + attachType);
        }
    }

    /**
     * Opens the cgroup v2 directory at {@code cgroup}, an absolute path. It is resolved below the
     * cgroup2 mount it lies in, from an fd of that mount's root, by openat2: no symlink, "..", or
     * other mount on the way is followed. Anything that cannot be had there, whether it is missing,
     * no directory or no cgroup, gets one and the same error.
     */
    public static Directory open(Path cgroup) {
        if (!cgroup.isAbsolute()) {
            throw new InvalidTargetException(Part.CGROUP, "\"" + cgroup + "\" is not an absolute path");
        }
        for (Path name : cgroup) {
            if (name.toString().equals(".") || name.toString().equals("..")) {
                throw new InvalidTargetException(Part.CGROUP, cgroup + " has a . or .. in it; give the cgroup's path"
                        + " without them");
            }
        }
        List<Path> mounts = Mounts.ofType("cgroup2");
        // The innermost mount: a cgroup2 mounted inside another is a hierarchy of its own.
        Path mount = mounts.stream().filter(cgroup::startsWith).max(Comparator.comparingInt(Path::getNameCount))
                .orElseThrow(() -> new InvalidTargetException(Part.CGROUP, cgroup + " is not in a cgroup v2 hierarchy,"
                        + " the only kind BPF attaches to; " + (mounts.isEmpty()
                                ? "this host has no cgroup v2 hierarchy mounted"
                                : "cgroup v2 is mounted at " + mounts.stream().map(Path::toString)
                                        .collect(Collectors.joining(", ")))));
        String below = mount.equals(cgroup) ? "." : mount.relativize(cgroup).toString();
        try (Fd root = OpenAt.path(mount.toString(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) {
            requireCgroupV2(root, cgroup);
            return OpenAt.beneath(root, below, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC).into(directory -> {
                        requireCgroupV2(directory, cgroup);
                        return new Directory(cgroup, directory);
                    });
        } catch (BpfException e) {
            if (OpenAt.deniesTheFile(e)) {
                throw unusable(cgroup);
            }
            throw e.withContext("open cgroup " + cgroup);
        }
    }

    private static void requireCgroupV2(Fd directory, Path cgroup) {
        if (FileSystemType.of(directory) != CGROUP2_SUPER_MAGIC) {
            throw unusable(cgroup);
        }
    }

    private static InvalidTargetException unusable(Path cgroup) {
        return new InvalidTargetException(Part.CGROUP, "no cgroup v2 directory " + cgroup + " that you may use");
    }
}
