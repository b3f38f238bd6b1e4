package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.ObjectKind;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which processes hold an fd on a BPF object: read with the daemon's BPF task iterator
 * ({@link ProcessHolderIterator}) where the kernel and the daemon's privileges allow it, else
 * from /proc ({@link ProcfsScan}), as also for a scan in which the iterator did not cover every
 * process. Both give the same holders, sorted by pid and fd, without the
 * daemon's own process, whose fds are its record.
 */
final class ProcessScan {

    private static final Logger log = LoggerFactory.getLogger(ProcessScan.class);

    private static final Comparator<Holder.ProcessFd> BY_PID_AND_FD =
            Comparator.comparingInt(Holder.ProcessFd::pid).thenComparingInt(Holder.ProcessFd::fd);

    private final Supplier<Optional<ProcessHolderIterator>> iterator;

    private ProcessScan(Supplier<Optional<ProcessHolderIterator>> iterator) {
        this.iterator = iterator;
    }

    /** The daemon's: the iterator, loaded at the first scan, where it can be; /proc elsewhere. */
    static ProcessScan preferringIterator() {
        return new ProcessScan(ProcessHolderIterator::shared);
    }

    /** Always {@code iterator} (falling back to /proc as the daemon's does), for tests of one program. */
    static ProcessScan using(ProcessHolderIterator iterator) {
        return new ProcessScan(() -> Optional.of(iterator));
    }

    /** /proc always, for comparing the two ways. */
    static ProcessScan fromProc() {
        return new ProcessScan(Optional::empty);
    }

    /** Every fd of another process that refers to object {@code id}. */
    List<Holder.ProcessFd> holding(ObjectKind kind, int id) {
        Optional<ProcessHolderIterator> available = iterator.get();
        if (available.isPresent()) {
            try {
                Optional<List<Holder.ProcessFd>> holders = fromIterator(available.get(), kind, id);
                if (holders.isPresent()) {
                    return holders.get();
                }
            } catch (RuntimeException e) {
                // Such as ENOMEM; the next scan tries the iterator again.
                log.warn("process holders of {} {} from /proc: {}", kind.label(), id, e.getMessage());
            }
        }
        return ProcfsScan.holding(kind, id);
    }

    /** Empty where another process has more fds than the iterator covers. */
    private static Optional<List<Holder.ProcessFd>> fromIterator(ProcessHolderIterator iterator, ObjectKind kind,
            int id) {
        int self = (int) ProcessHandle.current().pid();
        ProcessHolderIterator.Pass pass = iterator.read();
        List<Integer> uncovered = pass.incomplete().stream().filter(pid -> pid != self).sorted().toList();
        if (!uncovered.isEmpty()) {
            log.info("process holders of {} {} from /proc: the BPF iterator did not cover every fd of process(es) {}"
                    + " (over 1,000 BPF fds, or over 536,870,912 fds)", kind.label(), id, uncovered);
            return Optional.empty();
        }
        return Optional.of(pass.held().stream()
                .filter(held -> held.kind() == kind && held.id() == id && held.pid() != self)
                .map(held -> new Holder.ProcessFd(held.pid(), held.command(), held.fd()))
                .sorted(BY_PID_AND_FD)
                .toList());
    }
}
