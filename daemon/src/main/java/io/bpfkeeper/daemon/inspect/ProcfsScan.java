package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.FdInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProcessFds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which processes hold an fd on a BPF object, found in /proc where the daemon's BPF iterator is not
 * available (see {@link ProcessScan}), the way bpftool's "pids" are without one: every fd of every
 * process whose link reads {@code anon_inode:bpf-map} (or -prog, _link) is a candidate, and its
 * fdinfo names the object. One pass over /proc, a readlink per fd without allocating, and an fdinfo
 * read only for BPF fds of the right kind.
 *
 * <p>On a host with thousands of processes the pass is mostly system calls (an open, two getdents
 * and a close per process, a readlink per fd), each waiting on the kernel alone, so it is split
 * across the cores: the calling thread and a few scanner threads claim batches of pids until none
 * are left. Nothing is remembered between scans: each one reads /proc as it is.
 */
final class ProcfsScan {

    /** Enough pids per claim that claiming costs nothing, few enough that the threads finish together. */
    private static final int BATCH = 32;

    /**
     * Threads besides the caller's: one per further core, at most 3. More would only queue for the
     * same cores, and a scan must not take over a big host from the programs it inspects.
     */
    private static final int HELPERS = Math.min(Runtime.getRuntime().availableProcessors(), 4) - 1;

    /**
     * Shared by every scan, so that concurrent Explain calls queue for threads rather than make more.
     * It starts its threads on first use; a host with one core never does.
     */
    private static final Executor HELPER_THREADS = Executors.newFixedThreadPool(Math.max(HELPERS, 1), runnable -> {
        Thread thread = new Thread(runnable, "bpfkeeper-process-scan");
        thread.setDaemon(true);
        return thread;
    });

    /** Each thread's native buffers, reused scan after scan. */
    private static final ThreadLocal<ProcessFds> SCANNER = ThreadLocal.withInitial(ProcessFds::new);

    private ProcfsScan() {
    }

    /** Every fd of another process that refers to object {@code id}; the daemon's own are its record. */
    static List<Holder.ProcessFd> holding(ObjectKind kind, int id) {
        Scan scan = new Scan(kind, id, SCANNER.get().pids());
        for (int i = 0; i < HELPERS; i++) {
            // One still queued behind another scan when this one ends finds nothing left to claim.
            HELPER_THREADS.execute(scan::claimUntilDone);
        }
        scan.claimUntilDone();
        return scan.holders();
    }

    /**
     * One scan's pids, which the threads claim in batches, and what they found. The scan is over
     * once every batch is scanned, whichever thread claimed it.
     */
    private static final class Scan {

        private final ObjectKind kind;
        private final int id;
        private final int[] pids;
        private final List<byte[]> targets;
        private final long self = ProcessHandle.current().pid();
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch batchesLeft;
        private final List<Holder.ProcessFd> found = Collections.synchronizedList(new ArrayList<>());
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

        Scan(ObjectKind kind, int id, int[] pids) {
            this.kind = kind;
            this.id = id;
            this.pids = pids;
            this.targets = kind.fdLinkTargets().stream().map(ProcessFds::target).toList();
            this.batchesLeft = new CountDownLatch((pids.length + BATCH - 1) / BATCH);
        }

        /** Scans batches of pids with this thread's buffers until every pid is claimed. */
        void claimUntilDone() {
            ProcessFds scanner = SCANNER.get();
            for (int start = next.getAndAdd(BATCH); start < pids.length; start = next.getAndAdd(BATCH)) {
                try {
                    for (int i = start; i < Math.min(start + BATCH, pids.length); i++) {
                        if (pids[i] != self) {
                            scanProcess(scanner, pids[i]);
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    batchesLeft.countDown();
                }
            }
        }

        /** What every thread found, sorted by pid and fd, once the last batch is scanned. */
        List<Holder.ProcessFd> holders() {
            try {
                batchesLeft.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scanning processes", e);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            List<Holder.ProcessFd> holders = new ArrayList<>(found);
            holders.sort(Comparator.comparingInt(Holder.ProcessFd::pid).thenComparingInt(Holder.ProcessFd::fd));
            return holders;
        }

        private void scanProcess(ProcessFds scanner, int pid) {
            String[] command = {null};
            scanner.eachLinkedTo(pid, targets, fd -> {
                OptionalLong objectId = FdInfo.read(pid, fd).objectId(kind);
                if (objectId.isPresent() && objectId.getAsLong() == id) {
                    if (command[0] == null) {
                        command[0] = command(Path.of("/proc", Integer.toString(pid)));
                    }
                    found.add(new Holder.ProcessFd(pid, command[0], fd));
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
