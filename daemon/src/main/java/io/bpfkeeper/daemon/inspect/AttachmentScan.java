package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.Mounts;
import io.bpfkeeper.daemon.kernel.ProgQuery;
import io.bpfkeeper.daemon.kernel.ProgramType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Hooks that hold a program without a link, found with BPF_PROG_QUERY: cgroups of the cgroup v2
 * tree, and the tcx hooks of the devices in the daemon's network namespace. Only the hooks that a
 * program of this type can be attached to are asked, so a program that no cgroup can hold costs
 * nothing here. tc cls_bpf filters and netlink XDP do not answer BPF_PROG_QUERY: {@link TcFilterScan}
 * and {@link NetlinkXdpScan} find them through netlink.
 */
final class AttachmentScan {

    private static final Path NET_DEVICES = Path.of("/sys/class/net");

    /** The attach types that the cgroup program types can use. */
    private static final Map<ProgramType, List<String>> CGROUP_HOOKS = Map.of(
            type("cgroup_skb"), List.of("cgroup_inet_ingress", "cgroup_inet_egress"),
            type("cgroup_sock"), List.of("cgroup_inet_sock_create", "cgroup_inet4_post_bind",
                    "cgroup_inet6_post_bind", "cgroup_inet_sock_release"),
            type("sock_ops"), List.of("cgroup_sock_ops"),
            type("cgroup_device"), List.of("cgroup_device"),
            type("cgroup_sock_addr"), List.of("cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect",
                    "cgroup_inet6_connect", "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg",
                    "cgroup_inet4_getpeername", "cgroup_inet6_getpeername", "cgroup_inet4_getsockname",
                    "cgroup_inet6_getsockname", "cgroup_unix_connect", "cgroup_unix_sendmsg",
                    "cgroup_unix_recvmsg", "cgroup_unix_getpeername", "cgroup_unix_getsockname"),
            type("cgroup_sysctl"), List.of("cgroup_sysctl"),
            type("cgroup_sockopt"), List.of("cgroup_getsockopt", "cgroup_setsockopt"));

    private static final List<String> TCX_HOOKS = List.of("tcx_ingress", "tcx_egress");

    private AttachmentScan() {
    }

    /**
     * Attachments of program {@code programId} that no link explains: a link attaches through the
     * same hook, and BPF_PROG_QUERY reports both alike.
     */
    static List<Holder.ProgAttachment> of(int programId, ProgramType type, List<LinkInfo> links) {
        List<Holder.ProgAttachment> found = new ArrayList<>();
        List<AttachType> cgroupHooks = hooks(CGROUP_HOOKS.getOrDefault(type, List.of()));
        if (!cgroupHooks.isEmpty()) {
            for (Path root : Mounts.ofType("cgroup2")) {
                scanCgroups(root, programId, cgroupHooks, links, found);
            }
        }
        if (type.equals(ProgramType.SCHED_CLS)) {
            scanDevices(programId, hooks(TCX_HOOKS), links, found);
        }
        return found;
    }

    private static ProgramType type(String name) {
        return ProgramType.byName(name).orElseThrow();
    }

    private static List<AttachType> hooks(List<String> names) {
        return names.stream().map(name -> AttachType.byName(name).orElseThrow()).toList();
    }

    private static void scanCgroups(Path root, int programId, List<AttachType> hooks, List<LinkInfo> links,
            List<Holder.ProgAttachment> found) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                    queryCgroup(directory, programId, hooks, links, found);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // The cgroup tree changed under us; what was found so far stands.
        }
    }

    private static void queryCgroup(Path directory, int programId, List<AttachType> hooks, List<LinkInfo> links,
            List<Holder.ProgAttachment> found) {
        try (Fd cgroup = ProgQuery.openCgroup(directory)) {
            // On cgroup v2 a cgroup's id is its directory's inode number, which cgroup links report.
            long cgroupId = (Long) Files.getAttribute(directory, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            for (AttachType hook : hooks) {
                if (contains(ProgQuery.cgroup(cgroup, hook), programId) && !linked(links, programId, cgroupId, hook)) {
                    found.add(new Holder.ProgAttachment("cgroup " + directory, hook.name()));
                }
            }
        } catch (BpfException | IOException e) {
            // Removed meanwhile, or a hook this kernel lacks: nothing attached there.
        }
    }

    private static void scanDevices(int programId, List<AttachType> hooks, List<LinkInfo> links,
            List<Holder.ProgAttachment> found) {
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(NET_DEVICES)) {
            for (Path device : devices) {
                int ifindex = Integer.parseInt(Files.readString(device.resolve("ifindex")).strip());
                for (AttachType hook : hooks) {
                    if (contains(ProgQuery.device(ifindex, hook), programId)
                            && !linked(links, programId, ifindex, hook)) {
                        found.add(new Holder.ProgAttachment("device " + device.getFileName() + " (ifindex " + ifindex
                                + ")", hook.name()));
                    }
                }
            }
        } catch (BpfException | IOException | NumberFormatException e) {
            // No tcx on this kernel, or a device went away: no tcx attachment to report.
        }
    }

    private static boolean linked(List<LinkInfo> links, int programId, long targetId, AttachType hook) {
        return links.stream().anyMatch(link -> link.attaches(programId, targetId, hook));
    }

    private static boolean contains(int[] ids, int id) {
        return Arrays.stream(ids).anyMatch(each -> each == id);
    }
}
