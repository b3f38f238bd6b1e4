package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.DirectoryReader;
import io.bpfkeeper.daemon.kernel.DirectoryReader.DirectoryVersion;
import io.bpfkeeper.daemon.kernel.DirectoryReader.FileVersion;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.Mounts;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.OpenAt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins of an object in every bpffs mounted in the daemon's mount namespace, found as
 * {@code bpftool -f} finds them: walk each mount without following symlinks, open every file with
 * BPF_OBJ_GET and ask which object it is. Clients own directories there and may swap an entry for a
 * symlink at any moment, so the walk goes from fd to fd: each directory and pin is opened by its
 * name in the directory fd it was listed in, and never through a symlink.
 *
 * <p>Hosts have thousands of pins, and listing every directory and statting every pin costs more
 * than the rest of an Explain. So each directory's listing is remembered with the directory's own
 * device, inode, modification and change times, and a scan that finds those unchanged, and
 * settled (below), reuses the listing: one openat and one fstat per directory, no getdents64, no
 * fstatat or bpf() per pin. A directory that changed is listed again, and only its files that the last
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

    /** A directory opened to be read, which getdents64 needs (O_PATH will not do). */
    private static final int READ_DIRECTORY = OpenAt.O_RDONLY | OpenAt.O_DIRECTORY | OpenAt.O_CLOEXEC;

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
            try (Fd directory = OpenAt.path(mount.toString(), READ_DIRECTORY)) {
                walk.directory(mount, directory);
            } catch (BpfException e) {
                // Unmounted meanwhile: it holds nothing now.
            }
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

        /**
         * The pins of {@code path}, open as {@code directory}, and of its subdirectories, from what
         * the last scan knew if it still holds.
         */
        void directory(Path path, Fd directory) {
            DirectoryVersion version = reader.directoryVersion(directory);
            Listing listing = previous.get(path);
            if (listing == null || !listing.isCurrentAt(version)) {
                listing = list(path, directory, version, listing);
            }
            current.put(path, listing);
            for (Path pin : listing.pinsByObject().getOrDefault(wanted, List.of())) {
                pins.add(new Holder.Pin(pin));
            }
            for (Path subdirectory : listing.subdirectories()) {
                try (Fd opened = OpenAt.relative(directory, subdirectory.getFileName().toString(),
                        READ_DIRECTORY | OpenAt.O_NOFOLLOW)) {
                    directory(subdirectory, opened);
                } catch (BpfException e) {
                    // Removed meanwhile, or a symlink took its place: nothing there to walk.
                }
            }
        }

        /**
         * Reads {@code path}, which had {@code version} just before. bpffs fills in every entry's
         * type, so none needs a stat to tell a directory, a pin and a symlink apart; symlinks are not
         * followed. Files that {@code stale}, the directory's last listing, knew are not opened again.
         */
        private Listing list(Path path, Fd opened, DirectoryVersion version, Listing stale) {
            directoriesListed++;
            Map<FileVersion, ObjectIdentity> known = stale == null ? Map.of() : stale.identitiesByVersion();
            List<Pin> found = new ArrayList<>();
            List<Path> subdirectories = new ArrayList<>();
            reader.list(opened, (directory, type, start, end) -> {
                if (type == DirectoryReader.DT_DIR) {
                    subdirectories.add(path.resolve(reader.name(start, end)));
                } else if (type == DirectoryReader.DT_REG) {
                    Pin pin = pin(path, opened, directory, start, end, known);
                    if (pin != null) {
                        found.add(pin);
                    }
                }
            });
            return Listing.of(version, version.lastTouchedMillis() < settledBeforeMillis, found, subdirectories);
        }

        private Pin pin(Path parent, Fd opened, int directory, int start, int end,
                Map<FileVersion, ObjectIdentity> known) {
            FileVersion version = reader.version(directory, start);
            if (version == null) {
                return null; // removed meanwhile: it pins nothing now
            }
            String name = reader.name(start, end);
            ObjectIdentity identity = known.get(version);
            if (identity == null) {
                identity = identify(opened, name);
                if (identity == null) {
                    return null; // not a BPF object, or removed meanwhile
                }
            }
            return new Pin(parent.resolve(name), version, identity);
        }
    }

    /** What the pin {@code name} of {@code directory} holds: that file itself, not what a symlink names. */
    private static ObjectIdentity identify(Fd directory, String name) {
        try (Fd file = OpenAt.relative(directory, name, OpenAt.O_PATH | OpenAt.O_NOFOLLOW | OpenAt.O_CLOEXEC);
                Fd fd = BpfFs.open(file)) {
            return ObjectIdentity.of(fd);
        } catch (BpfException e) {
            return null;
        }
    }
}
