package io.bpfkeeper.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bpfkeeper.daemon.metrics.OperationCounter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The state journal, {@code journal.json} in the state directory: every daemon-lifetime object the
 * daemon owns, rewritten whole on every change. A write goes to a temporary file that is synced and
 * then renamed over the journal, so that a crash at any point leaves either the old journal or the
 * new one, never a mix. Only for benchmarks, the syncs can be left out: then a crash of the machine,
 * rather than of the daemon, can lose what was written.
 */
public final class Journal {

    /** Version 2 records where links and attachments are attached, and the attachments themselves. */
    static final int VERSION = 2;
    /** A version 1 journal reads as version 2 without targets, so that its links are lost, not misread. */
    private static final int OLDEST_READABLE_VERSION = 1;
    static final String FILE_NAME = "journal.json";
    private static final DateTimeFormatter ASIDE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final Path file;
    private final Clock clock;
    private final boolean sync;
    private final OperationCounter operations;
    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The file's layout; {@code version} changes when a reader of the old one would misread it.
     *
     * @param lastAttachmentId the last id the daemon gave an attachment, so that the next run gives
     *     none twice, even of an attachment detached since; 0 in version 1
     */
    record Document(int version, List<JournalEntry> objects, int lastAttachmentId) {
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
    Contents load() {
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
        return new Contents(List.copyOf(document.objects()), document.lastAttachmentId(), null);
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

    /** Replaces the journal with {@code entries}: temporary file, fsync, rename, fsync of the directory. */
    synchronized void write(List<JournalEntry> entries, int lastAttachmentId) throws IOException {
        boolean written = false;
        try {
            replace(entries, lastAttachmentId);
            written = true;
        } finally {
            operations.count("write", written);
        }
    }

    private void replace(List<JournalEntry> entries, int lastAttachmentId) throws IOException {
        byte[] bytes = json.writeValueAsBytes(new Document(VERSION, entries, lastAttachmentId));
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        // Owners and pin paths are nobody else's business.
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (sync) {
                channel.force(true);
            }
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (sync) {
            // The rename is durable only once the directory is.
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        }
    }
}
