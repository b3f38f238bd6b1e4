package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.PinDirectory;
import io.bpfkeeper.daemon.kernel.PinDirectory.FileStatus;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where pins may go: under the configured pin root, on a bpffs, never through a symlink or "..".
 * Clients name paths relative to the root or absolute; either way they cannot pin outside it.
 *
 * <p>Clients own directories under the root and may rename, swap or replace their entries at any
 * moment, so a path is never checked and then used again: every step resolves from an fd of the
 * root ({@link PinDirectory}), and what is authorised is the file that was opened.
 */
public final class PinPaths implements AutoCloseable {

    /** users/UID is each uid's own directory, made for it on demand: where its ELF objects pin maps. */
    static final String USERS = "users";

    private final Path root;
    private final PinDirectory directory;
    private final String unusableReason;

    /** Opens the root once at start. An unusable root leaves the daemon serving, without pins. */
    public PinPaths(Path configuredRoot) {
        Path normalized = configuredRoot.toAbsolutePath().normalize();
        Path real = normalized;
        PinDirectory opened = null;
        String reason = null;
        try {
            real = normalized.toRealPath();
            opened = PinDirectory.open(real);
            makeUsersDirectory(opened);
        } catch (java.io.IOException e) {
            reason = "the pin root " + normalized + " does not exist";
        } catch (BpfException e) {
            reason = e.errno() == Errno.EINVAL
                    ? "the pin root " + normalized + " is not a bpffs (mount -t bpf bpf " + normalized + ")"
                    : "cannot open the pin root " + normalized + ": " + e.getMessage();
        }
        this.root = real;
        this.directory = opened;
        this.unusableReason = reason;
    }

    /**
     * Makes the users directory at start, before any client could take the name in a root that
     * everyone may write (a bare bpffs mount is 1777). Whether it is fit is checked at each use.
     */
    private static void makeUsersDirectory(PinDirectory root) {
        try (Fd top = root.directory("")) {
            PinDirectory.makeDirectory(top, USERS, 0, 0).close();
        } catch (BpfException e) {
            // Not fatal to pins elsewhere; each use of users/ says what is wrong with it.
        }
    }

    public Path root() {
        return root;
    }

    /** The root, held open; null when it is not a usable bpffs. */
    public PinDirectory directory() {
        return directory;
    }

    /** Why pins are unavailable, or null when the root is a usable bpffs. */
    public String unusableReason() {
        return unusableReason;
    }

    /**
     * A client's pin path, checked by its text alone: {@code parent} and {@code name} are relative to
     * the root, and no name in them is empty, "." or ".." or contains a '.'.
     */
    record PinPath(String requested, String parent, String name, Path absolute) {

        List<String> directories() {
            return parent.isEmpty() ? List.of() : List.of(parent.split("/"));
        }

        @Override
        public String toString() {
            return absolute.toString();
        }
    }

    /**
     * Checks a client's path and makes its missing directories, owned by the caller, in directories
     * the caller may write (and users/UID of its own uid, in any case).
     */
    PinPath prepare(String requested, Connection caller) throws VarlinkError {
        PinPath path = resolve(requested);
        try (Fd parent = makeDirectories(path, caller)) {
            if (!PinDirectory.status(parent).writableBy(caller.uid(), caller.gid())) {
                throw ApiErrors.permissionDenied(caller.uid(), "uid " + caller.uid()
                        + " may not add names to the directory of the pin " + path);
            }
        }
        return path;
    }

    /** Checks a client's path by its text, without touching the filesystem. */
    PinPath resolve(String requested) throws VarlinkError {
        if (unusableReason != null) {
            throw ApiErrors.invalidPinPath(requested, unusableReason);
        }
        Path path;
        try {
            path = root.resolve(requested).normalize();
        } catch (InvalidPathException e) {
            throw ApiErrors.invalidPinPath(requested, "not a valid path");
        }
        if (requested.isEmpty() || !path.startsWith(root) || path.equals(root)) {
            throw ApiErrors.invalidPinPath(requested, "leaves the pin root " + root);
        }
        Path relative = root.relativize(path);
        for (Path part : relative) {
            if (part.toString().contains(".")) {
                // bpffs refuses such names with a bare EPERM; say why instead.
                throw ApiErrors.invalidPinPath(requested, "bpffs reserves names that contain '.'");
            }
        }
        if (relative.getNameCount() == 1 && relative.toString().equals(USERS)) {
            throw ApiErrors.invalidPinPath(requested, USERS + " is the directory of each uid's own pins");
        }
        return new PinPath(requested, relative.getParent() == null ? "" : relative.getParent().toString(),
                relative.getFileName().toString(), path);
    }

    /**
     * Pins {@code object} at {@code path} for the caller, in a directory that {@link #prepare} made
     * or found. A pin for another uid than root is given to that uid once it is checked to hold
     * {@code object}, so that the caller may adopt it after a restart.
     *
     * @throws BpfException when the directory went away or changed hands since {@link #prepare}
     *     checked it, or the kernel refuses
     */
    void pin(Fd object, PinPath path, Connection caller) {
        try (Fd parent = directory.directory(path.parent())) {
            FileStatus status = PinDirectory.status(parent);
            if (!status.writableBy(caller.uid(), caller.gid())) {
                throw new BpfException("pin", Errno.EACCES, "pin at " + path,
                        "uid " + caller.uid() + " may not add names to that directory");
            }
            directory.pin(object, parent, path.name());
            if (!caller.isRoot()) {
                handOver(object, parent, path, caller);
            }
        } catch (BpfException e) {
            throw e.context() == null ? e.withContext("pin at " + path) : e;
        }
    }

    /** Gives the new pin to the caller, if it is still the one just made. */
    private static void handOver(Fd object, Fd parent, PinPath path, Connection caller) {
        try (Fd entry = PinDirectory.entry(parent, path.name()); Fd pinned = BpfFs.open(entry)) {
            if (!ObjectIdentity.of(object).equals(ObjectIdentity.of(pinned))) {
                throw new BpfException("pin", Errno.EBUSY, "pin at " + path,
                        "something else took the pin's place before it was given to uid " + caller.uid());
            }
            PinDirectory.chown(entry, caller.uid(), caller.gid());
        }
    }

    /** Removes the pin at {@code path} if it holds {@code expected}; it refuses anything else. */
    void unpin(PinPath path, ObjectIdentity expected, String holds) throws VarlinkError {
        try (Fd parent = open(path, () -> directory.directory(path.parent()));
                Fd entry = openPin(path, parent);
                Fd pinned = open(path, () -> BpfFs.open(entry))) {
            if (!expected.equals(ObjectIdentity.of(pinned))) {
                throw ApiErrors.invalidPinPath(path.requested(), "it does not hold " + holds);
            }
            // The name may be another file's by now, but only one of this same directory, which
            // whoever could swap it could remove itself.
            PinDirectory.unlink(parent, path.name());
        } catch (BpfException e) {
            throw ApiErrors.invalidPinPath(path.requested(), "cannot remove it: " + e.getMessage());
        }
    }

    /**
     * Opens the object pinned at {@code path} for adoption by the caller: only root, or the uid that
     * owns the pin file that was opened, may take it.
     */
    Fd openForAdoption(PinPath path, Connection caller) throws VarlinkError {
        try (Fd parent = open(path, () -> directory.directory(path.parent()))) {
            Fd pinned = openOwned(path, parent, caller);
            if (pinned == null) {
                throw ApiErrors.invalidPinPath(path.requested(), "no pin there");
            }
            return pinned;
        }
    }

    /**
     * The map that an ELF object of the caller pinned by {@code name} before, in users/UID of the
     * caller, or null when nothing is pinned there. It must be the caller's, as for Adopt.
     */
    Fd openUserMapPin(Connection caller, String name) throws VarlinkError {
        PinPath path = resolve(USERS + "/" + caller.uid() + "/" + name);
        try (Fd own = userDirectory(caller, path.requested())) {
            Fd pinned = openOwned(path, own, caller);
            if (pinned != null && !isMap(pinned)) {
                pinned.close();
                throw ApiErrors.invalidPinPath(path.requested(), "an ELF object's map " + name
                        + " is pinned there by name, and that pin holds no map");
            }
            return pinned;
        }
    }

    private static boolean isMap(Fd fd) {
        ObjectIdentity identity = ObjectIdentity.of(fd);
        return identity != null && identity.kind() == ObjectKind.MAP;
    }

    /**
     * The object pinned as {@code path.name()} in {@code parent}, if the pin file that was opened is
     * the caller's (any is root's); null when there is none.
     */
    private static Fd openOwned(PinPath path, Fd parent, Connection caller) throws VarlinkError {
        Fd entry;
        try {
            entry = PinDirectory.entry(parent, path.name());
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw ApiErrors.invalidPinPath(path.requested(), why(e));
        }
        try (entry) {
            FileStatus status = PinDirectory.status(entry);
            if (!status.isRegularFile()) {
                throw ApiErrors.invalidPinPath(path.requested(), status.isSymlink() ? "is a symlink" : "not a pin");
            }
            if (!caller.isRoot() && caller.uid() != status.uid()) {
                throw ApiErrors.permissionDenied(caller.uid(), "the pin " + path + " belongs to uid " + status.uid()
                        + "; only that uid or root may take it");
            }
            return open(path, () -> BpfFs.open(entry));
        }
    }

    /** The pin file {@code path.name()} of {@code parent} itself, opened O_PATH. */
    private static Fd openPin(PinPath path, Fd parent) throws VarlinkError {
        try {
            return PinDirectory.entry(parent, path.name());
        } catch (BpfException e) {
            throw ApiErrors.invalidPinPath(path.requested(), e.errno() == Errno.ENOENT ? "no pin there" : why(e));
        }
    }

    /** The directories of {@code path}, each opened, and made for the caller where missing. */
    private Fd makeDirectories(PinPath path, Connection caller) throws VarlinkError {
        List<String> names = path.directories();
        int start = 0;
        Fd current;
        if (names.size() >= 2 && names.get(0).equals(USERS) && names.get(1).equals(Integer.toString(caller.uid()))) {
            current = userDirectory(caller, path.requested());
            start = 2;
        } else if (!names.isEmpty() && names.get(0).equals(USERS)) {
            current = usersDirectory(path.requested());
            start = 1;
        } else {
            current = open(path, () -> directory.directory(""));
        }
        try {
            for (String name : names.subList(start, names.size())) {
                Fd next = subdirectory(current, name, caller, path.requested());
                current.close();
                current = next;
            }
            return current;
        } catch (VarlinkError | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    /**
     * users/UID of the caller, made where missing: users is root's (0755) and users/UID the
     * caller's.
     */
    private Fd userDirectory(Connection caller, String requested) throws VarlinkError {
        try (Fd users = usersDirectory(requested)) {
            Fd own = made(requested, () -> PinDirectory.makeDirectory(users, Integer.toString(caller.uid()),
                    caller.uid(), caller.gid()));
            int owner = PinDirectory.status(own).uid();
            if (owner != caller.uid()) {
                own.close();
                throw ApiErrors.invalidPinPath(requested, USERS + "/" + caller.uid() + " belongs to uid " + owner);
            }
            return own;
        }
    }

    /**
     * The users directory, made root's where missing. One that anyone but root could change is
     * refused: its owner could move users/UID of others.
     */
    private Fd usersDirectory(String requested) throws VarlinkError {
        try (Fd rootFd = directory.directory("")) {
            Fd users = made(requested, () -> PinDirectory.makeDirectory(rootFd, USERS, 0, 0));
            FileStatus status = PinDirectory.status(users);
            if (status.uid() != 0 || status.writableByOthers()) {
                users.close();
                throw ApiErrors.invalidPinPath(requested, "the pin root's " + USERS
                        + " directory is not root's alone (owner uid " + status.uid() + ", mode "
                        + Integer.toOctalString(status.mode() & 07777) + ")");
            }
            return users;
        }
    }

    /** The subdirectory {@code name} of {@code parent}, made for the caller if it may add names there. */
    private Fd subdirectory(Fd parent, String name, Connection caller, String requested) throws VarlinkError {
        if (PinDirectory.status(parent).writableBy(caller.uid(), caller.gid())) {
            return made(requested, () -> PinDirectory.makeDirectory(parent, name, caller.uid(), caller.gid()));
        }
        try {
            return PinDirectory.subdirectory(parent, name);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                throw ApiErrors.permissionDenied(caller.uid(), "uid " + caller.uid() + " may not make the directory "
                        + name + " of the pin path " + requested + " there");
            }
            throw ApiErrors.invalidPinPath(requested, why(e));
        }
    }

    private interface Opening {
        Fd open();
    }

    private static Fd open(PinPath path, Opening opening) throws VarlinkError {
        return open(path.requested(), opening);
    }

    private static Fd open(String requested, Opening opening) throws VarlinkError {
        return attempt(requested, "", opening);
    }

    private static Fd made(String requested, Opening opening) throws VarlinkError {
        return attempt(requested, "cannot make its directory: ", opening);
    }

    private static Fd attempt(String requested, String failure, Opening opening) throws VarlinkError {
        try {
            return opening.open();
        } catch (BpfException e) {
            throw ApiErrors.invalidPinPath(requested, failure + why(e));
        }
    }

    /** What a failed step of the resolution means, in the client's terms. */
    private static String why(BpfException e) {
        return switch (e.errno()) {
            case Errno.ENOENT -> "no such file or directory on the way (" + e.context() + ")";
            case Errno.ELOOP -> "goes through a symlink (" + e.context() + ")";
            case Errno.ENOTDIR -> "a part of it is not a directory (" + e.context() + ")";
            case Errno.EXDEV -> "crosses a mount point or leaves the pin root (" + e.context() + ")";
            default -> e.getMessage();
        };
    }

    @Override
    public void close() {
        if (directory != null) {
            directory.close();
        }
    }
}
