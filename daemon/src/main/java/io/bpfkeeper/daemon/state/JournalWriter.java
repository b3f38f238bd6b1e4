package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the journal after every change to a daemon-lifetime object. Each write is a snapshot of
 * the registry taken under the writer's lock, so that concurrent changes on several threads end with
 * a journal that holds all of them. Session objects are not recorded: they are never recovered.
 */
public final class JournalWriter {

    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

    private final Journal journal;
    private final Registry registry;

    private JournalWriter(Journal journal, Registry registry) {
        this.journal = journal;
        this.registry = registry;
    }

    /** Writes the journal now, after recovery, and again on every later change of the registry. */
    public static JournalWriter follow(Journal journal, Registry registry) {
        JournalWriter writer = new JournalWriter(journal, registry);
        writer.write();
        registry.addListener(RegistryListener.onEveryChange(writer::writeIfRecorded));
        return writer;
    }

    private void writeIfRecorded(OwnedObject object) {
        if (object.lifetime() == Lifetime.DAEMON) {
            write();
        }
    }

    /** Writes what the registry holds now. A failure is logged: the daemon serves on without it. */
    public synchronized void write() {
        List<JournalEntry> entries = registry.list(object -> object.lifetime() == Lifetime.DAEMON && object.kernelObject() != null).stream()
                .map(JournalEntry::of).toList();
        try {
            journal.write(entries);
        } catch (IOException | RuntimeException e) {
            log.error("cannot write the journal {}: {}; if the daemon restarts now, it cannot tell which objects"
                    + " were its own", journal.file(), e.toString());
        }
    }
}
