package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal in step with the daemon-lifetime objects of the registry. Each write is a
 * snapshot, written on a thread of its own: a change asks for a write, and changes that come while
 * one is being written share the next. A burst of changes (10,000 CreateMaps) therefore costs a
 * handful of snapshots, not one each, and no client call waits for an fsync. The price is that a
 * crash loses the changes of the last moments; recovery then finds fd-store entries or pins without
 * a record, and says so. Session objects are not recorded: they are never recovered. Link-less
 * attachments are, though they have no fd: the kernel keeps them, and the record is what lets the
 * next start find them again.
 */
public final class JournalWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

    private final Journal journal;
    private final Registry registry;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bpfkeeper-journal");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean writeRequested = new AtomicBoolean();

    private JournalWriter(Journal journal, Registry registry) {
        this.journal = journal;
        this.registry = registry;
    }

    /** Writes the journal now, after recovery, and again after every later change of the registry. */
    public static JournalWriter follow(Journal journal, Registry registry) {
        JournalWriter writer = new JournalWriter(journal, registry);
        writer.write();
        registry.addListener(RegistryListener.onEveryChange(writer::requestWriteIfRecorded));
        return writer;
    }

    private void requestWriteIfRecorded(OwnedObject object) {
        if (object.lifetime() == Lifetime.DAEMON && writeRequested.compareAndSet(false, true)) {
            writer.execute(() -> {
                // Cleared before the snapshot, so a change made during it asks for one more.
                writeRequested.set(false);
                write();
            });
        }
    }

    /** Writes what the registry holds now. A failure is logged: the daemon serves on without it. */
    public synchronized void write() {
        List<JournalEntry> entries = registry.list(object -> object.lifetime() == Lifetime.DAEMON).stream()
                .map(JournalEntry::of).toList();
        try {
            journal.write(entries, registry.lastAttachmentId());
        } catch (IOException | RuntimeException e) {
            log.error("cannot write the journal {}: {}; if the daemon restarts now, it cannot tell which objects"
                    + " were its own", journal.file(), e.toString());
        }
    }

    /** Finishes the writes asked for, then writes the final state, as the daemon stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        write();
    }
}
