package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.DirectoryReader;
import io.bpfkeeper.daemon.kernel.DirectoryReader.DirectoryVersion;
import io.bpfkeeper.daemon.kernel.DirectoryReader.FileVersion;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.Mounts;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins of an object in every bpffs mounted in the daemon's mount namespace, found as
 * {@code bpftool -f} finds them: walk each mount without following symlinks, open every file with
 * BPF_OBJ_GET and ask which object it is.
 *
 * <p>Hosts have thousands of pins, and listing every directory and statting every pin costs more
 * than the rest of an Explain. So each directory's listing is remembered with the directory's own
 * device, inode, modification and change times, and a scan that finds those unchanged, and
 * settled (below), reuses the listing: one fstatat per directory, no getdents64, no fstatat or
 * bpf() per pin. A directory that changed is listed again, and only its files that the last
 * listing did not know (by device, inode and modification time) are opened with BPF_OBJ_GET.
 *
 * <p>Why a reused listing cannot be stale:
 * <ul>
 * <li>A bpffs directory's entries change only by creating (pin, mkdir, symlink, link), removing or
 * renaming one, and each of these sets the directory's modification and change times to the
 * current time (checked on 6.18: pin, unpin and {@code mv} in one directory). Setting the
 * modification time by hand still sets the change time, so the two together move on every change.
 * A change in a subdirectory moves only the subdirectory's times, which is why every directory is
 * statted on every scan.
 * <li>A pin's inode refers to one object from its creation to its removal: BPF_OBJ_PIN makes a new
 * inode and nothing repoints one. So the names of an unchanged directory name the same objects.
 * <li>The kernel takes those times from a coarse clock (a jiffy, or a multigrain timestamp no
 * older than that), so changes within one tick leave them equal: on 6.18, 1,998 of 2,000
 * back-to-back renames left the directory's times as the rename before had set them. As git does
 * with racy index entries, a listing is trusted only if the directory had not been touched for
 * {@link #SETTLE_MILLIS} when the scan that listed it began: any later change gets times no older
 * than that start minus a tick, so they differ from the remembered ones. The directory is statted
 * before it is read, so a change between the two shows in the listing and in the next stat.
 * Directories touched more recently are listed again on every scan until they settle.
 * <li>The device and inode tell apart a bpffs mounted over a remembered directory, and a directory
 * removed and made again, as for pins: the kernel hands out an inode number again only after its
 * 32-bit counter wraps.
 * </ul>
 * What remains is the wall clock stepped back by more than {@link #SETTLE_MILLIS} and a change
 * then landing on the remembered times to the nanosecond. Each scan keeps only the directories it
 * saw, so mounts and directories that are gone are forgotten.
 */
final class PinScan {

    /**
     * How long a directory must have gone untouched before a listing of it is trusted: far more than
     * a tick of the kernel's coarse clock (at most 10 ms) and than the skew between that clock and
     * the one the daemon reads.
     */
    static final long SETTLE_MILLIS = 1000;

    private static final ThreadLocal<DirectoryReader> READER = ThreadLocal.withInitial(DirectoryReader::new);

    private volatile Map<Path, Listing> listings = new HashMap<>();
    private volatile int directoriesListedByLastScan;

    List<Holder.Pin> pinsOf(ObjectIdentity wanted) {
        return pinsOf(wanted, Mounts.ofType("bpf"));
    }

    /** The pins of {@code wanted} in the bpffs mounted at {@code mounts}. */
    List<Holder.Pin> pinsOf(ObjectIdentity wanted, List<Path> mounts) {
        Walk walk = new Walk(wanted, listings, System.currentTimeMillis());
        for (Path mount : mounts) {
            walk.directory(mount);
        }
        listings = walk.current;
        directoriesListedByLastScan = walk.directoriesListed;
        return walk.pins;
    }

    /** How many directories the last scan read with getdents64 rather than reusing what it knew. */
    int directoriesListedByLastScan() {
        return directoriesListedByLastScan;
    }

    /** A pin as a listing found it: its path, its file's version, and the object it holds. */
    private record Pin(Path path, FileVersion version, ObjectIdentity identity) {
    }

    /**
     * What a directory held when it was read, and its version just before: reusable while the
     * directory keeps that version, if it had settled when read. Its pins are also grouped by
     * object, so that a scan that reuses it finds an object's pins without going through them all.
     */
    private record Listing(DirectoryVersion version, boolean settled, List<Pin> pins,
            Map<ObjectIdentity, List<Path>> pinsByObject, List<Path> subdirectories) {

        static Listing of(DirectoryVersion version, boolean settled, List<Pin> pins, List<Path> subdirectories) {
            Map<ObjectIdentity, List<Path>> pinsByObject = new HashMap<>();
            for (Pin pin : pins) {
                pinsByObject.computeIfAbsent(pin.identity(), object -> new ArrayList<>()).add(pin.path());
            }
            return new Listing(version, settled, pins, pinsByObject, subdirectories);
        }

        boolean isCurrentAt(DirectoryVersion now) {
            return settled && version.equals(now);
        }

        Map<FileVersion, ObjectIdentity> identitiesByVersion() {
            Map<FileVersion, ObjectIdentity> identities = new HashMap<>();
            for (Pin pin : pins) {
                identities.put(pin.version(), pin.identity());
            }
            return identities;
        }
    }

    /** One scan: what it looks for, what the last scan knew, and what this one finds. */
    private static final class Walk {

        private final ObjectIdentity wanted;
        private final Map<Path, Listing> previous;
        /** Directories touched at or after this moment are not trusted by the next scan. */
        private final long settledBeforeMillis;
        private final Map<Path, Listing> current = new HashMap<>();
        private final List<Holder.Pin> pins = new ArrayList<>();
        private final DirectoryReader reader = READER.get();
        private int directoriesListed;

        Walk(ObjectIdentity wanted, Map<Path, Listing> previous, long startedMillis) {
            this.wanted = wanted;
            this.previous = previous;
            this.settledBeforeMillis = startedMillis - SETTLE_MILLIS;
        }

        /** The pins of {@code path} and of its subdirectories, from what the last scan knew if it still holds. */
        void directory(Path path) {
            DirectoryVersion version = reader.directoryVersion(path.toString());
            if (version == null) {
                return; // removed meanwhile: it holds nothing now
            }
            Listing listing = previous.get(path);
            if (listing == null || !listing.isCurrentAt(version)) {
                listing = list(path, version, listing);
            }
            current.put(path, listing);
            for (Path pin : listing.pinsByObject().getOrDefault(wanted, List.of())) {
                pins.add(new Holder.Pin(pin));
            }
            for (Path subdirectory : listing.subdirectories()) {
                directory(subdirectory);
            }
        }

        /**
         * Reads {@code path}, which had {@code version} just before. bpffs fills in every entry's
         * type, so none needs a stat to tell a directory, a pin and a symlink apart; symlinks are not
         * followed. Files that {@code stale}, the directory's last listing, knew are not opened again.
         */
        private Listing list(Path path, DirectoryVersion version, Listing stale) {
            directoriesListed++;
            Map<FileVersion, ObjectIdentity> known = stale == null ? Map.of() : stale.identitiesByVersion();
            List<Pin> found = new ArrayList<>();
            List<Path> subdirectories = new ArrayList<>();
            reader.list(path.toString(), (directory, type, start, end) -> {
                if (type == DirectoryReader.DT_DIR) {
                    subdirectories.add(path.resolve(reader.name(start, end)));
                } else if (type == DirectoryReader.DT_REG) {
                    Pin pin = pin(path, directory, start, end, known);
                    if (pin != null) {
                        found.add(pin);
                    }
                }
            });
            return Listing.of(version, version.lastTouchedMillis() < settledBeforeMillis, found, subdirectories);
        }

        private Pin pin(Path parent, int directory, int start, int end, Map<FileVersion, ObjectIdentity> known) {
            FileVersion version = reader.version(directory, start);
            if (version == null) {
                return null; // removed meanwhile: it pins nothing now
            }
            Path path = parent.resolve(reader.name(start, end));
            ObjectIdentity identity = known.get(version);
            if (identity == null) {
                identity = identify(path);
                if (identity == null) {
                    return null; // not a BPF object, or removed meanwhile
                }
            }
            return new Pin(path, version, identity);
        }
    }

    private static ObjectIdentity identify(Path file) {
        try (Fd fd = BpfFs.open(file)) {
            return ObjectIdentity.of(fd);
        } catch (BpfException e) {
            return null;
        }
    }
}
