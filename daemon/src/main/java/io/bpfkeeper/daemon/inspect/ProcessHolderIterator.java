package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.FdReader;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoadSpec;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoader;
import io.bpfkeeper.daemon.kernel.libbpf.LoadedElfObject;
import io.bpfkeeper.daemon.kernel.link.BpfIterator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's iter/task program ({@code src/main/bpf/process_holders.bpf.c}), attached once as an
 * iterator link. Each {@link #read} runs it on every task, in the kernel; for every process it walks
 * the open fds of its fd table and returns the BPF map, program and link fds among them: a few
 * read() calls where a scan of /proc makes a readlink per fd of every process.
 *
 * <p>That program needs kernel 6.17 or later (bpf_rdonly_cast to void). Where it does not load, the
 * daemon loads the iter/task_file program of {@code process_holders_task_file.bpf.c} instead (kernel
 * 5.8 or later), which writes the same records but costs 3 to 4 times as much a pass; where neither
 * does, one log line says why and {@link ProcessScan} reads /proc.
 *
 * <p>A process with more than the iter/task program covers (more than 1,000 BPF fds, or an fd table
 * over 536,870,912 fds) is reported as {@linkplain Pass#incomplete incomplete} rather than with some
 * of its holders missing; {@link ProcessScan} then asks /proc.
 *
 * <p>The program and its link stay for the life of the daemon, and show in ListAll as program
 * {@code bpfkeeper_pids} (type tracing) and an iter link.
 */
final class ProcessHolderIterator {

    private static final Logger log = LoggerFactory.getLogger(ProcessHolderIterator.class);

    /** The iter/task program, and the iter/task_file one for kernels where that does not load. */
    static final String TASK_OBJECT = "process_holders.bpf.o";
    static final String TASK_FILE_OBJECT = "process_holders_task_file.bpf.o";

    /** struct holder_record of the program: tgid, fd, kind, id (u32 each), then comm[16]. */
    private static final int RECORD_SIZE = 32;
    private static final int COMMAND_OFFSET = 16;
    private static final int COMMAND_LENGTH = 16;
    /** The program's KIND_* numbers, in this order from 1. */
    private static final ObjectKind[] KINDS = {ObjectKind.MAP, ObjectKind.PROGRAM, ObjectKind.LINK};
    /** The program's KIND_INCOMPLETE: not a holder, a process whose fds it did not all look at. */
    private static final int KIND_INCOMPLETE = 4;

    /** An fd that a process holds on a BPF object. @param command the comm of the process (its leader) */
    record HeldFd(int pid, int fd, ObjectKind kind, int id, String command) {
    }

    /**
     * What one pass found.
     *
     * @param held the BPF fds of every process (the daemon's included)
     * @param incomplete the processes whose fds the program did not all look at, so that some of
     *     their holders may be missing from {@code held}
     */
    record Pass(List<HeldFd> held, Set<Integer> incomplete) {
    }

    private final Fd link;

    private ProcessHolderIterator(Fd link) {
        this.link = link;
    }

    /**
     * The daemon's iterator, loaded on first use; empty where the kernel or the daemon's privileges
     * do not allow one, which one log line says at that first use.
     */
    static Optional<ProcessHolderIterator> shared() {
        return Shared.ITERATOR;
    }

    /** Loaded when first named, once, whichever thread names it first. */
    private static final class Shared {
        static final Optional<ProcessHolderIterator> ITERATOR = loadOrSayWhyNot();
    }

    private static Optional<ProcessHolderIterator> loadOrSayWhyNot() {
        String taskFailure;
        try {
            ProcessHolderIterator iterator = load(TASK_OBJECT);
            log.info("process holders from the BPF task iterator");
            return Optional.of(iterator);
        } catch (RuntimeException | LinkageError e) {
            taskFailure = e.getMessage();
        }
        try {
            ProcessHolderIterator iterator = load(TASK_FILE_OBJECT);
            log.info("process holders from the BPF task_file iterator; the faster task iterator"
                    + " (kernel 6.17 or later) is unavailable: {}", taskFailure);
            return Optional.of(iterator);
        } catch (RuntimeException | LinkageError e) {
            log.info("process holders from /proc: BPF task iterator unavailable (kernel 6.17 or later): {};"
                    + " BPF task_file iterator unavailable (kernel 5.8 or later): {}", taskFailure, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Loads and attaches the program of {@code object}, one of this class's *_OBJECT, and checks that
     * it finds the daemon's own link fd: it would not where the daemon's pid namespace is not the
     * host's, whose pids the kernel reports. For the daemon, {@link #shared} is the one to use.
     */
    static ProcessHolderIterator load(String object) {
        byte[] elf = objectBytes(object);
        Fd link;
        try (LoadedElfObject loaded = new ElfLoader().load(
                new ElfLoadSpec("bpfkeeper", elf, Map.of(), Map.of(), Map.of()))) {
            // The link holds the program; the program's own fd can go.
            link = BpfIterator.attach(loaded.programs().get(0).program());
        } catch (RuntimeException e) {
            throw new IllegalStateException("load process-holder iterator " + object + ": " + e.getMessage(), e);
        }
        ProcessHolderIterator iterator = new ProcessHolderIterator(link);
        try (Fd.Lease linkLease = link.lease()) {
            int self = (int) ProcessHandle.current().pid();
            Pass pass = iterator.read();
            int linkNumber = linkLease.number();
            boolean seesOwnLink = pass.held().stream()
                    .anyMatch(held -> held.pid() == self && held.fd() == linkNumber && held.kind() == ObjectKind.LINK);
            // A daemon holding more BPF fds than the program reports per process is still seen.
            if (!seesOwnLink && !pass.incomplete().contains(self)) {
                throw new IllegalStateException("the iterator does not report the daemon's own link fd " + linkNumber
                        + " in process " + self + "; is the daemon in a pid namespace of its own?");
            }
            return iterator;
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static byte[] objectBytes(String name) {
        try (InputStream object = ProcessHolderIterator.class.getResourceAsStream(name)) {
            if (object == null) {
                throw new IllegalStateException("the daemon's jar has no " + name
                        + " (was it built without src/main/bpf/build.sh?)");
            }
            return object.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("read " + name + " from the daemon's jar: " + e.getMessage(), e);
        }
    }

    /** Detaches the program (tests only; the daemon's stays for its life). */
    void close() {
        link.close();
    }

    /** Every BPF fd of every process (the daemon's included), as the kernel has them now. */
    Pass read() {
        byte[] records;
        try (Fd pass = BpfIterator.open(link)) {
            records = FdReader.readAll(pass, "process-holder iterator");
        }
        ByteBuffer buffer = ByteBuffer.wrap(records).order(ByteOrder.nativeOrder());
        List<HeldFd> held = new ArrayList<>(records.length / RECORD_SIZE);
        Set<Integer> incomplete = new HashSet<>();
        for (int at = 0; at + RECORD_SIZE <= records.length; at += RECORD_SIZE) {
            int kind = buffer.getInt(at + 8);
            if (kind == KIND_INCOMPLETE) {
                incomplete.add(buffer.getInt(at));
                continue;
            }
            held.add(new HeldFd(buffer.getInt(at), buffer.getInt(at + 4), KINDS[kind - 1], buffer.getInt(at + 12),
                    command(records, at + COMMAND_OFFSET)));
        }
        return new Pass(held, incomplete);
    }

    private static String command(byte[] records, int start) {
        int end = start;
        while (end < start + COMMAND_LENGTH && records[end] != 0) {
            end++;
        }
        // Stripped as the /proc scan strips comm, so that both name a process alike.
        return new String(records, start, end - start, StandardCharsets.UTF_8).strip();
    }
}
