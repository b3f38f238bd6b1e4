package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal in step with the daemon-lifetime objects of the registry, and tells each call
 * when its changes are durable, so that it replies only then.
 *
 * <p>Writes happen on a thread of their own, with group commit: a change asks for the next write,
 * and every change that comes while one is being written shares the one after it. The writer takes
 * every change pending, appends the changed objects' records to the journal's log (or, once the log
 * has grown, writes a snapshot of the whole registry), syncs, and only then completes the futures of
 * all the calls that waited for it. Sixteen clients creating maps at once therefore share one fsync,
 * and none of them hears "done" before a crash can no longer undo it.
 *
 * <p>A call learns what to wait for through {@link #takeAwaitedByThisThread}: the registry tells its
 * listeners on the thread that made the change, which is the thread the call runs on.
 *
 * <p>Session objects are not recorded: they are never recovered. Link-less attachments are, though
 * they have no fd: the kernel keeps them, and the record is what lets the next start find them again.
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
    /** The object whose change afterRecorded asked to write, until this writer's listener hears of it. */
    private final ThreadLocal<ObjectKey> askedByAfterRecorded = new ThreadLocal<>();
    /** What the call running on a thread waits for before it replies; null when nothing. */
    private final ThreadLocal<CompletableFuture<Void>> awaitedByCall = new ThreadLocal<>();
    /** Guards changed, nextWrite and writeQueued. */
    private final Object pending = new Object();
    /** The objects changed since the last write was taken. */
    private Set<ObjectKey> changed = new HashSet<>();
    /** Completes once a write taken after every change asked for so far is durable. */
    private CompletableFuture<Void> nextWrite = new CompletableFuture<>();
    private boolean writeQueued;
    /** Set once follow() wrote the recovered state: before that, a write would replace the last run's journal. */
    private volatile boolean following;

    public JournalWriter(Journal journal, Registry registry) {
        this.journal = journal;
        this.registry = registry;
    }

    /** Writes the journal now, after recovery, and again after every later change of the registry. */
    public void follow() {
        following = true;
        write();
        registry.addListener(RegistryListener.onEveryChange(object -> {
            // afterRecorded, from a listener before this one, asked for the write of this change already.
            boolean asked = object.key().equals(askedByAfterRecorded.get());
            askedByAfterRecorded.remove();
            if (object.lifetime() == Lifetime.DAEMON && !asked) {
                awaitBeforeReply(requestWrite(object.key()));
            }
        }));
    }

    /**
     * Runs {@code action} once the journal durably holds the change of {@code key} just made, and every
     * change before it, on the journal's thread; the reply of the call running on this thread waits for
     * it too. For what must not happen before the journal says so, such as taking an object out of
     * systemd's fd store. It may come before this writer's own listener hears of the change.
     */
    public void afterRecorded(ObjectKey key, Runnable action) {
        awaitBeforeReply(requestWrite(key).thenRun(action));
        askedByAfterRecorded.set(key);
    }

    /**
     * What the call that ran on this thread must wait for before its reply: the snapshot that holds
     * its changes, durable, and what had to follow it. Completed when it changed nothing recorded.
     * Forgets it, so that the thread's next call waits for its own changes only.
     */
    public CompletableFuture<Void> takeAwaitedByThisThread() {
        CompletableFuture<Void> awaited = awaitedByCall.get();
        awaitedByCall.remove();
        return awaited != null ? awaited : CompletableFuture.completedFuture(null);
    }

    private void awaitBeforeReply(CompletableFuture<Void> durable) {
        CompletableFuture<Void> awaited = awaitedByCall.get();
        awaitedByCall.set(awaited == null || awaited.isDone() ? durable : CompletableFuture.allOf(awaited, durable));
    }

    /**
     * The write that will hold the change of {@code key} and every change made so far; asks for it
     * unless it is asked for already.
     */
    private CompletableFuture<Void> requestWrite(ObjectKey key) {
        synchronized (pending) {
            changed.add(key);
            if (!writeQueued) {
                try {
                    writer.execute(this::writePending);
                } catch (RejectedExecutionException e) {
                    // The daemon is stopping: close() writes the final snapshot, and nothing waits for it.
                    return CompletableFuture.completedFuture(null);
                }
                writeQueued = true;
            }
            return nextWrite;
        }
    }

    private void writePending() {
        CompletableFuture<Void> written;
        Set<ObjectKey> keys;
        synchronized (pending) {
            // Taken before the write: a change made during it asks for one more.
            written = nextWrite;
            nextWrite = new CompletableFuture<>();
            keys = changed;
            changed = new HashSet<>();
            writeQueued = false;
        }
        try {
            if (journal.wantsSnapshot()) {
                write();
            } else {
                append(keys);
            }
        } finally {
            // Completed even when the write failed: the change is made in the kernel, and an error
            // reply would hide an object that exists from its owner. write() logs and counts it.
            written.complete(null);
        }
    }

    /** Appends the records of {@code keys} as the registry holds them now, or their removal. */
    private synchronized void append(Set<ObjectKey> keys) {
        List<JournalEntry> puts = new ArrayList<>();
        List<ObjectKey> removed = new ArrayList<>();
        for (ObjectKey key : keys) {
            registry.get(key).filter(object -> object.lifetime() == Lifetime.DAEMON).map(JournalEntry::of)
                    .ifPresentOrElse(puts::add, () -> removed.add(key));
        }
        try {
            journal.append(puts, removed, registry.lastAttachmentId());
        } catch (IOException | RuntimeException e) {
            log.error("cannot append to the journal's log: {}; if the daemon restarts now, it cannot tell which"
                    + " objects were its own", e.toString());
        }
    }

    /** Writes a snapshot of what the registry holds now. A failure is logged: the daemon serves on without it. */
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
        if (following) {
            write();
        }
    }
}
