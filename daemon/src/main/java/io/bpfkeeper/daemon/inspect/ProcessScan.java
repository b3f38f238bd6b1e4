package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.FdInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProcessFds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which processes hold an fd on a BPF object, found the way bpftool's "pids" are: every fd of every
 * process whose link reads {@code anon_inode:bpf-map} (or -prog, _link) is a candidate, and its
 * fdinfo names the object. One pass over /proc, a readlink per fd without allocating, and an fdinfo
 * read only for BPF fds of the right kind.
 *
 * <p>On a host with thousands of processes the pass is mostly system calls (an open, two getdents
 * and a close per process, a readlink per fd), each waiting on the kernel alone, so it is split
 * across the cores: the calling thread and a few scanner threads claim batches of pids until none
 * are left. Nothing is remembered between scans: each one reads /proc as it is.
 */
final class ProcessScan {

    /** Enough pids per claim that claiming costs nothing, few enough that the threads finish together. */
    private static final int BATCH = 32;

    /**
     * Threads besides the caller's: one per further core, at most 3. More would only queue for the
     * same cores, and a scan must not take over a big host from the programs it inspects.
     */
    private static final int HELPERS = Math.min(Runtime.getRuntime().availableProcessors(), 4) - 1;

    /** Shared by every scan, so that concurrent Explain calls queue for threads rather than make more. */
    private static final ExecutorService HELPER_THREADS = HELPERS == 0 ? null
            : Executors.newFixedThreadPool(HELPERS, runnable -> {
                Thread thread = new Thread(runnable, "bpfkeeper-process-scan");
                thread.setDaemon(true);
                return thread;
            });

    /** Each thread's native buffers, reused scan after scan. */
    private static final ThreadLocal<ProcessFds> SCANNER = ThreadLocal.withInitial(ProcessFds::new);

    private ProcessScan() {
    }

    /** Every fd of another process that refers to object {@code id}; the daemon's own are its record. */
    static List<Holder.ProcessFd> holding(ObjectKind kind, int id) {
        Scan scan = new Scan(kind, id, SCANNER.get().pids());
        List<Future<List<Holder.ProcessFd>>> helpers = new ArrayList<>(HELPERS);
        for (int i = 0; i < HELPERS; i++) {
            helpers.add(HELPER_THREADS.submit(scan::claimUntilDone));
        }
        List<Holder.ProcessFd> holders = scan.claimUntilDone();
        for (Future<List<Holder.ProcessFd>> helper : helpers) {
            // One still queued behind another scan would find nothing left to claim: drop it.
            if (!helper.cancel(false)) {
                holders.addAll(resultOf(helper));
            }
        }
        holders.sort(Comparator.comparingInt(Holder.ProcessFd::pid).thenComparingInt(Holder.ProcessFd::fd));
        return holders;
    }

    private static List<Holder.ProcessFd> resultOf(Future<List<Holder.ProcessFd>> helper) {
        try {
            return helper.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a process scanner thread failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning processes", e);
        }
    }

    /** One scan's pids, which the threads claim in batches, and what each looks for. */
    private static final class Scan {

        private final ObjectKind kind;
        private final int id;
        private final int[] pids;
        private final List<byte[]> targets;
        private final long self = ProcessHandle.current().pid();
        private final AtomicInteger next = new AtomicInteger();

        Scan(ObjectKind kind, int id, int[] pids) {
            this.kind = kind;
            this.id = id;
            this.pids = pids;
            this.targets = kind.fdLinkTargets().stream().map(ProcessFds::target).toList();
        }

        /** Scans batches of pids with this thread's buffers until every pid is claimed. */
        List<Holder.ProcessFd> claimUntilDone() {
            ProcessFds scanner = SCANNER.get();
            List<Holder.ProcessFd> holders = new ArrayList<>();
            for (int start = next.getAndAdd(BATCH); start < pids.length; start = next.getAndAdd(BATCH)) {
                for (int i = start; i < Math.min(start + BATCH, pids.length); i++) {
                    if (pids[i] != self) {
                        scanProcess(scanner, pids[i], holders);
                    }
                }
            }
            return holders;
        }

        private void scanProcess(ProcessFds scanner, int pid, List<Holder.ProcessFd> holders) {
            String[] command = {null};
            scanner.eachLinkedTo(pid, targets, fd -> {
                OptionalLong objectId = FdInfo.read(pid, fd).objectId(kind);
                if (objectId.isPresent() && objectId.getAsLong() == id) {
                    if (command[0] == null) {
                        command[0] = command(Path.of("/proc", Integer.toString(pid)));
                    }
                    holders.add(new Holder.ProcessFd(pid, command[0], fd));
                }
            });
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
}
