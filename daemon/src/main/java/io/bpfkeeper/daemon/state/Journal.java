package io.bpfkeeper.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import io.bpfkeeper.daemon.registry.ObjectKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state journal in the state directory: every daemon-lifetime object the daemon owns. Two files:
 * <ul>
 *   <li>{@code journal.json}, a snapshot of them all, replaced whole: written to a temporary file
 *       that is synced and then renamed over it, so that a crash at any point leaves either the old
 *       snapshot or the new one, never a mix;</li>
 *   <li>{@code journal.log}, the changes since that snapshot, one JSON line per changed object,
 *       appended and synced, so that a change costs what it changed, not what the daemon holds.</li>
 * </ul>
 * Each change has a sequence number, and the snapshot names the last one it holds: a start applies
 * the log's later changes to the snapshot, and stops at a line that a crash cut short (its calls were
 * never answered). Once the log is as large as the snapshot, or 1 MiB, the next write is a snapshot
 * again, which empties the log. Only for benchmarks, the syncs can be left out.
 */
public final class Journal {

    /** Version 3 adds the log of changes; 2 records where links and attachments are attached. */
    static final int VERSION = 3;
    /** A version 1 journal reads as version 2 without targets, so that its links are lost, not misread. */
    private static final int OLDEST_READABLE_VERSION = 1;
    static final String FILE_NAME = "journal.json";
    static final String LOG_NAME = "journal.log";
    /** The log may grow to this much before a snapshot replaces it, however small the snapshot is. */
    private static final long LOG_BYTES_BEFORE_SNAPSHOT = 1024 * 1024;
    /** Owners and pin paths are nobody else's business. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final DateTimeFormatter ASIDE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final Path file;
    private final Path log;
    private final Clock clock;
    private final boolean sync;
    private final OperationCounter operations;
    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** One line per change: the log is read line by line. */
    private final ObjectMapper lines = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Guarded by this: the last sequence number given, and the sizes that decide the next snapshot. */
    private long sequence;
    private long snapshotBytes;
    private long logBytes;

    /**
     * The file's layout; {@code version} changes when a reader of the old one would misread it.
     *
     * @param lastAttachmentId the last id the daemon gave an attachment, so that the next run gives
     *     none twice, even of an attachment detached since; 0 in version 1
     * @param sequence the last change of the log that the snapshot holds; 0 before version 3
     */
    record Document(int version, List<JournalEntry> objects, int lastAttachmentId, long sequence) {
    }

    /**
     * One line of the log: an object's record as it is now, or its removal.
     *
     * @param put the object's record; null for a removal
     * @param removed the object no longer recorded; null for a put
     */
    record Change(long sequence, JournalEntry put, ObjectKey removed, int lastAttachmentId) {
    }

    /**
     * What a start found.
     *
     * @param entries empty when there was no journal or it was unreadable
     * @param lastAttachmentId 0 when there was no journal or it was unreadable
     * @param problem why the journal was unreadable and where it went, or null
     */
    record Contents(List<JournalEntry> entries, int lastAttachmentId, String problem) {

        boolean readable() {
            return problem == null;
        }
    }

    public Journal(Path stateDirectory, Clock clock) {
        this(stateDirectory, clock, true, OperationCounter.NONE);
    }

    /**
     * @param sync whether each write is fsynced, with its directory; false only to measure what the
     *     syncs cost
     * @param operations counts each read and write, by outcome
     */
    public Journal(Path stateDirectory, Clock clock, boolean sync, OperationCounter operations) {
        this.file = stateDirectory.resolve(FILE_NAME);
        this.log = stateDirectory.resolve(LOG_NAME);
        this.clock = clock;
        this.sync = sync;
        this.operations = operations;
    }

    Path file() {
        return file;
    }

    /**
     * Reads the journal. No journal is a first start. A journal that cannot be read or makes no sense
     * is moved aside, so that the operator can look at it and the next write does not destroy it.
     */
    synchronized Contents load() {
        Contents contents = read();
        operations.count("read", contents.readable());
        return contents;
    }

    private Contents read() {
        Document document;
        try {
            document = json.readValue(Files.readAllBytes(file), Document.class);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), 0, null);
        } catch (IOException | RuntimeException e) {
            return unreadable(e.getMessage());
        }
        if (document == null || document.objects() == null) {
            return unreadable("it holds no object list");
        }
        if (document.version() < OLDEST_READABLE_VERSION || document.version() > VERSION) {
            return unreadable("it has version " + document.version() + "; this daemon reads versions "
                    + OLDEST_READABLE_VERSION + " to " + VERSION);
        }
        for (JournalEntry entry : document.objects()) {
            if (entry == null || !entry.complete()) {
                return unreadable("a record lacks fields: " + entry);
            }
        }
        Map<ObjectKey, JournalEntry> objects = new LinkedHashMap<>();
        document.objects().forEach(entry -> objects.put(entry.key(), entry));
        int lastAttachmentId = document.lastAttachmentId();
        sequence = document.sequence();
        List<Change> changes;
        try {
            changes = changesAfter(document.sequence());
        } catch (UncheckedIOException e) {
            return unreadable("its log cannot be read: " + e.getCause().getMessage());
        }
        for (Change change : changes) {
            if (change.put() != null) {
                objects.put(change.put().key(), change.put());
            } else {
                objects.remove(change.removed());
            }
            lastAttachmentId = Math.max(lastAttachmentId, change.lastAttachmentId());
            sequence = change.sequence();
        }
        return new Contents(List.copyOf(objects.values()), lastAttachmentId, null);
    }

    /**
     * The log's changes after the snapshot's last, up to the first line that does not read whole: a
     * crash in the middle of an append leaves one, and the calls of that append got no reply.
     */
    private List<Change> changesAfter(long snapshotSequence) {
        List<String> text;
        try {
            text = Files.readAllLines(log);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("read the journal's log " + log, e);
        }
        List<Change> changes = new ArrayList<>();
        for (String line : text) {
            Change change;
            try {
                change = lines.readValue(line, Change.class);
            } catch (IOException e) {
                break;
            }
            if (change == null || (change.put() == null) == (change.removed() == null)
                    || (change.put() != null && !change.put().complete())) {
                break;
            }
            if (change.sequence() > snapshotSequence) {
                changes.add(change);
            }
        }
        return changes;
    }

    private Contents unreadable(String why) {
        String firstLine = why == null ? "no reason given" : why.lines().findFirst().orElse(why);
        Path aside = file.resolveSibling(FILE_NAME + ".unreadable-" + ASIDE_SUFFIX.format(clock.instant()));
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return new Contents(List.of(), 0, "the journal " + file + " is unreadable (" + firstLine + "); moved it to "
                    + aside);
        } catch (IOException e) {
            return new Contents(List.of(), 0, "the journal " + file + " is unreadable (" + firstLine
                    + ") and could not be moved aside (" + e.getMessage() + "); the next write replaces it");
        }
    }

    /** Whether the log has grown enough that the next write should be a snapshot. */
    synchronized boolean wantsSnapshot() {
        return logBytes >= Math.max(snapshotBytes, LOG_BYTES_BEFORE_SNAPSHOT);
    }

    /**
     * Appends the changes of some objects to the log and syncs it.
     *
     * @param puts the records of objects as they are now
     * @param removed objects no longer recorded
     */
    synchronized void append(List<JournalEntry> puts, List<ObjectKey> removed, int lastAttachmentId)
            throws IOException {
        boolean written = false;
        try {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (JournalEntry put : puts) {
                line(text, new Change(++sequence, put, null, lastAttachmentId));
            }
            for (ObjectKey key : removed) {
                line(text, new Change(++sequence, null, key, lastAttachmentId));
            }
            boolean created = !Files.exists(log);
            try (FileChannel channel = FileChannel.open(log, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND), OWNER_ONLY)) {
                writeAll(channel, text.toByteArray());
                if (sync) {
                    channel.force(false);
                }
            }
            if (created) {
                syncDirectory();
            }
            logBytes += text.size();
            written = true;
        } finally {
            operations.count("append", written);
        }
    }

    private void line(ByteArrayOutputStream text, Change change) throws IOException {
        text.write(lines.writeValueAsBytes(change));
        text.write('\n');
    }

    /**
     * Replaces the snapshot with {@code entries} (temporary file, fsync, rename, fsync of the
     * directory), then empties the log, whose changes the snapshot holds.
     */
    synchronized void write(List<JournalEntry> entries, int lastAttachmentId) throws IOException {
        boolean written = false;
        try {
            replace(entries, lastAttachmentId);
            // A crash before the log is empty leaves changes that the snapshot's sequence skips.
            try (FileChannel channel = FileChannel.open(log, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), OWNER_ONLY)) {
                channel.truncate(0);
                if (sync) {
                    channel.force(true);
                }
            }
            logBytes = 0;
            written = true;
        } finally {
            operations.count("snapshot", written);
        }
    }

    private void replace(List<JournalEntry> entries, int lastAttachmentId) throws IOException {
        byte[] bytes = json.writeValueAsBytes(new Document(VERSION, entries, lastAttachmentId, sequence));
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, OWNER_ONLY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            writeAll(channel, bytes);
            if (sync) {
                channel.force(true);
            }
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the directory is.
        syncDirectory();
        snapshotBytes = bytes.length;
    }

    private static void writeAll(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void syncDirectory() throws IOException {
        if (sync) {
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        }
    }
}
