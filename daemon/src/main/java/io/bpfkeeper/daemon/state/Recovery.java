package io.bpfkeeper.daemon.state;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.KernelObjects;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.PinDirectory;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.TcFilter;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.LostObject;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.Unrecorded;
import io.bpfkeeper.daemon.systemd.StoredFd;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back, at start, the daemon-lifetime objects the journal records: from the fds systemd's fd
 * store hands back, else from their pins. Each fd or pin must still hold the recorded object (kind,
 * id, type, name, map geometry, program tag, or the program a link holds); a link gets back the
 * options it was attached with. A link-less attachment has no fd: the kernel must still hold it at
 * its recorded place, running its program. What cannot be taken back is recorded as lost, with the
 * reason, in the registry and the log. Nothing here stops the start.
 */
public final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final Registry registry;
    private final PinDirectory pinRoot;
    private final String pinRootProblem;
    private final Clock clock;
    private int fromStore;
    private int fromPins;
    private int attachments;
    private int unrecorded;

    /**
     * @param pinRoot the pin root, held open; null when it is not a usable bpffs
     * @param pinRootProblem why the pin root is not a usable bpffs, or null when it is
     */
    public Recovery(Registry registry, PinDirectory pinRoot, String pinRootProblem, Clock clock) {
        this.registry = registry;
        this.pinRoot = pinRoot;
        this.pinRootProblem = pinRootProblem;
        this.clock = clock;
    }

    /**
     * Recovers what {@code journal} records. Takes ownership of every fd in {@code handedBack}: those
     * that are taken back go to the registry, the others are closed. A store entry that the journal
     * does not record is kept, owned by root: the daemon stored it and crashed before it recorded it,
     * and the object may be someone's, so it is not freed.
     */
    public void run(Journal journal, Map<ObjectKey, StoredFd> handedBack) {
        Journal.Contents contents = journal.load();
        registry.reserveAttachmentIdsUpTo(contents.lastAttachmentId());
        Map<ObjectKey, StoredFd> unclaimed = new HashMap<>(handedBack);
        if (!contents.readable()) {
            log.error("{}. Pinned objects stay in bpffs and clients can Adopt them; fd store entries are kept,"
                    + " owned by root, since nothing says who owned them", contents.problem());
        }
        for (JournalEntry entry : contents.entries()) {
            // An attachment has no fd; a store entry in its name is foreign, and dropped below.
            StoredFd storedEntry = entry.kind() == Kind.ATTACHMENT ? null : unclaimed.remove(entry.key());
            Fd stored = storedEntry == null ? null : storedEntry.fd();
            try {
                if (entry.kind() == Kind.ATTACHMENT) {
                    recoverAttachment(entry);
                } else {
                    recover(entry, stored);
                }
            } catch (RuntimeException e) {
                if (stored != null) {
                    stored.close();
                }
                lose(entry, "recovery failed: " + e.getMessage());
            }
        }
        for (Map.Entry<ObjectKey, StoredFd> leftover : unclaimed.entrySet()) {
            keepUnrecorded(leftover.getKey(), leftover.getValue());
        }
        log.info("recovered {} objects from systemd's fd store ({} of them without a journal record), {} from pins"
                + " and {} attachments that the kernel still holds; {} lost", fromStore, unrecorded, fromPins,
                attachments, registry.lost().size());
    }

    private void recover(JournalEntry entry, Fd stored) {
        AttachOptions options = null;
        if (entry.kind() == Kind.LINK && (entry.target() != null || entry.unrecorded() == null)) {
            if (entry.target() == null) {
                if (stored != null) {
                    stored.close();
                }
                lose(entry, "the journal does not say where the link is attached (an older bpfkeeper wrote it),"
                        + " so the daemon cannot take it back");
                return;
            }
            // Read before any pin is opened: a record this daemon cannot express fails here, and run
            // closes the store's fd.
            options = entry.target().options();
        }
        List<String> problems = new ArrayList<>();
        KernelObject object = stored == null ? null
                : checked(entry, options, stored, "the fd store's entry", problems);
        boolean viaStore = object != null;
        List<Path> pins = new ArrayList<>();
        for (String pinText : entry.pins()) {
            Path pin = Path.of(pinText);
            KernelObject pinned = openPin(entry, options, pin, problems);
            if (pinned == null) {
                continue;
            }
            pins.add(pin);
            if (object == null) {
                object = pinned;
            } else {
                pinned.close();
            }
        }
        if (object == null) {
            if (stored == null && entry.pins().isEmpty()) {
                problems.add(0, "systemd's fd store did not hand it back (the daemon ran without systemd, the unit"
                        + " was stopped rather than restarted, or systemd dropped the fd)");
            }
            lose(entry, String.join("; ", problems));
            return;
        }
        OwnedObject owned = registry.add(entry.unrecorded() != null
                ? OwnedObject.FdHeld.unrecorded(entry.kind(), object, entry.name(), entry.type(), entry.labels(),
                        createdAt(entry), entry.unrecorded())
                : new OwnedObject.FdHeld(entry.kind(), object, entry.name(), entry.type(), entry.owner(),
                        Lifetime.DAEMON, 0, entry.labels(), createdAt(entry)));
        pins.forEach(pin -> registry.recordPin(owned, pin));
        if (viaStore) {
            fromStore++;
        } else {
            fromPins++;
        }
        String source = viaStore ? "systemd's fd store" : "its pin " + LogText.escape(pins.get(0));
        if (problems.isEmpty()) {
            log.info("recovered {} from {}", owned, source);
        } else {
            log.warn("recovered {} from {}, but: {}", owned, source, LogText.oneLine(String.join("; ", problems),
                    Integer.MAX_VALUE));
        }
    }

    /**
     * Takes back a tc filter's record if the kernel still holds the filter where the journal says,
     * running the recorded program. It keeps its id, so that Detach finds it by the id its owner knows.
     */
    private void recoverAttachment(JournalEntry entry) {
        if (!(entry.target() instanceof JournalTarget.TcFilterTarget target) || entry.kernel().programId() == null) {
            lose(entry, "the journal does not say where the attachment is, so the daemon cannot check it");
            return;
        }
        TcFilter filter = target.filter(entry.kernel().programId());
        Optional<String> notHeld = filter.whyNotHeld();
        if (notHeld.isPresent()) {
            lose(entry, notHeld.get());
            return;
        }
        OwnedObject owned = registry.add(new OwnedObject.KernelHeld(entry.id(), filter, entry.name(), entry.owner(),
                entry.labels(), createdAt(entry)));
        attachments++;
        log.info("recovered {}: the kernel still holds the {}", owned, filter);
    }

    /**
     * The object at {@code pin} if it is the recorded one; null, with the problem added, otherwise.
     * Clients own directories under the pin root (users/UID) and may have swapped their entries
     * while the daemon was down, so the pin is opened as the pin root's {@link PinDirectory} opens
     * any: beneath the root, through no symlink and onto no other mount, the pin file itself.
     */
    private KernelObject openPin(JournalEntry entry, AttachOptions options, Path pin, List<String> problems) {
        if (pinRoot == null) {
            problems.add("the pin " + pin + " is not on a bpffs (" + pinRootProblem + ")");
            return null;
        }
        Fd fd;
        try (Fd file = pinRoot.entry(pin)) {
            PinDirectory.FileStatus status = PinDirectory.status(file);
            if (!status.isRegularFile()) {
                problems.add("the pin " + pin + (status.isSymlink() ? " is a symlink now, which the daemon does not"
                        + " follow" : " is no pin file now"));
                return null;
            }
            fd = BpfFs.open(file);
        } catch (BpfException e) {
            problems.add(switch (e.errno()) {
                case Errno.ENOENT -> "the pin " + pin + " is gone";
                case Errno.ELOOP -> "the way to the pin " + pin + " goes through a symlink, which the daemon does"
                        + " not follow";
                case Errno.EXDEV -> "the pin " + pin + " is not under the pin root " + pinRoot.path()
                        + " on its bpffs";
                default -> "cannot open the pin " + pin + ": " + e.getMessage();
            });
            return null;
        }
        return checked(entry, options, fd, "the pin " + pin, problems);
    }

    /**
     * Wraps {@code fd} if it holds the recorded object. Otherwise closes it, adds the problem and
     * returns null; the object it does hold is left alone.
     *
     * @param options where a link is attached; null for maps and programs, and for a link that no
     *     record says where it is attached
     */
    private static KernelObject checked(JournalEntry entry, AttachOptions options, Fd fd, String holder,
            List<String> problems) {
        ObjectIdentity identity;
        try {
            identity = ObjectIdentity.of(fd);
        } catch (BpfException e) {
            fd.close();
            problems.add("cannot identify what " + holder + " holds: " + e.getMessage());
            return null;
        }
        if (identity == null || identity.kind() != ObjectKinds.kernelKind(entry.kind()) || identity.id() != entry.id()) {
            problems.add(holder + " now holds " + (identity == null ? "no BPF object"
                    : identity.kind().label() + " " + identity.id()) + ", not the recorded " + entry.key());
            fd.close();
            return null;
        }
        // The identity matched the recorded kind, so a map or program fd wraps as one.
        KernelObject object = entry.kind() == Kind.LINK ? BpfLink.wrap(fd, entry.name(), options)
                : KernelObjects.wrapMapOrProgram(fd);
        List<String> differences = entry.kernel().differences(KernelFingerprint.of(object));
        if (!differences.isEmpty()) {
            problems.add(holder + " holds " + entry.key() + " but it is another object than the recorded one: "
                    + String.join(", ", differences));
            object.close();
            return null;
        }
        if (object instanceof BpfLink link && !link.isAttached()) {
            problems.add(entry.key() + " attaches nothing any more: it was detached, or its target went away");
        }
        return object;
    }

    private void lose(JournalEntry entry, String reason) {
        registry.recordLost(new LostObject(entry.key(), entry.name(), entry.type(), entry.owner(), entry.labels(),
                createdAt(entry), entry.pins().stream().map(Path::of).toList(), reason));
        log.warn("lost {}: {}", entry, LogText.oneLine(reason, Integer.MAX_VALUE));
    }

    /** An fd store entry that is not what its name says, or of a kind that is never stored. */
    private static void drop(ObjectKey key, Fd fd, ObjectIdentity identity) {
        fd.close();
        log.warn("systemd's fd store handed back an entry for {} ({}), which the journal does not record; dropped it"
                + " from the store: the kernel frees it unless another holder remains", key,
                identity == null ? "no BPF object" : "it holds " + identity.kind().label() + " " + identity.id());
    }

    /**
     * Keeps an fd store entry that the journal does not record, owned by root: the daemon crashed
     * between storing and recording it, or the journal was unreadable. Its name says whose it was.
     */
    private void keepUnrecorded(ObjectKey key, StoredFd stored) {
        Fd fd = stored.fd();
        ObjectIdentity identity = ObjectIdentity.of(fd);
        ObjectKind kind = ObjectKinds.kernelKind(key.kind());
        if (identity == null || kind == null || identity.kind() != kind || identity.id() != key.id()) {
            drop(key, fd, identity);
            return;
        }
        KernelObject object = key.kind() == Kind.LINK
                ? BpfLink.wrap(fd, programName(ObjectInfo.link(fd).programId()), null)
                : KernelObjects.wrapMapOrProgram(fd);
        Unrecorded unrecorded = new Unrecorded(stored.name().text(), stored.name().ownerUid());
        OwnedObject owned = registry.add(OwnedObject.FdHeld.unrecorded(key.kind(), object, object.name(),
                object.typeName(), Map.of(), clock.instant(), unrecorded));
        fromStore++;
        this.unrecorded++;
        log.warn("kept {} from systemd's fd store without a journal record: {}; only root may release it",
                owned, unrecorded.describe());
    }

    /** The kernel's name of a link's program, which names the link; empty if it cannot be read. */
    private static String programName(int programId) {
        try (Fd program = KernelIds.open(ObjectKind.PROGRAM, programId)) {
            return ObjectInfo.program(program).name();
        } catch (BpfException e) {
            return "";
        }
    }

    private Instant createdAt(JournalEntry entry) {
        try {
            return Instant.parse(entry.createdAt());
        } catch (DateTimeParseException e) {
            return clock.instant();
        }
    }

}
