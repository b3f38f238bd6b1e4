package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.FdInfo;
import io.bpfkeeper.daemon.kernel.FdLink;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which processes hold an fd on a BPF object, found the way bpftool's "pids" are: every fd of every
 * process whose link reads {@code anon_inode:bpf-map} (or -prog, _link) is a candidate, and its
 * fdinfo names the object. One pass over /proc, a readlink per fd, and an fdinfo read only for
 * BPF fds of the right kind keep this cheap on hosts with thousands of processes.
 */
final class ProcessScan {

    private static final Path PROC = Path.of("/proc");

    private ProcessScan() {
    }

    /** Every fd of another process that refers to object {@code id}; the daemon's own are its record. */
    static List<Holder.ProcessFd> holding(ObjectKind kind, int id) {
        long self = ProcessHandle.current().pid();
        List<byte[]> targets = kind.fdLinkTargets().stream().map(FdLink::target).toList();
        List<Holder.ProcessFd> holders = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC)) {
            for (Path process : processes) {
                int pid = pid(process.getFileName().toString());
                if (pid > 0 && pid != self) {
                    scanProcess(process, pid, kind, id, targets, holders);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return holders;
    }

    private static void scanProcess(Path process, int pid, ObjectKind kind, int id, List<byte[]> targets,
            List<Holder.ProcessFd> holders) {
        String command = null;
        String fdDirectory = "/proc/" + pid + "/fd/";
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fdLink : fds) {
                String name = fdLink.getFileName().toString();
                if (!FdLink.pointsToAny(fdDirectory + name, targets)) {
                    continue;
                }
                int fd = Integer.parseInt(name);
                OptionalLong objectId = FdInfo.read(pid, fd).objectId(kind);
                if (objectId.isPresent() && objectId.getAsLong() == id) {
                    if (command == null) {
                        command = command(process);
                    }
                    holders.add(new Holder.ProcessFd(pid, command, fd));
                }
            }
        } catch (IOException | SecurityException e) {
            // The process exited while we looked, or hides its fds: it holds nothing we can see.
        }
    }


    /** The command name (comm); "?" when the process exited meanwhile. */
    static String command(Path process) {
        try {
            return Files.readString(process.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The pid a /proc entry names, or 0 for entries that are not processes. */
    private static int pid(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return 0;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return 0;
            }
        }
        return Integer.parseInt(name);
    }
}
