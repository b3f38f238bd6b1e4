package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where pins may go: under the configured pin root, on a bpffs, never through a symlink or "..".
 * Clients name paths relative to the root or absolute; either way they cannot pin outside it.
 */
public final class PinPaths {

    private final Path root;
    private final String unusableReason;

    /** Checks the root once at start. An unusable root leaves the daemon serving, without pins. */
    public PinPaths(Path configuredRoot) {
        Path normalized = configuredRoot.toAbsolutePath().normalize();
        Path real = normalized;
        String reason = null;
        try {
            real = normalized.toRealPath();
            if (!BpfFs.isBpfFs(real)) {
                reason = "the pin root " + normalized + " is not a bpffs (mount -t bpf bpf " + normalized + ")";
            }
        } catch (IOException e) {
            reason = "the pin root " + normalized + " does not exist";
        }
        this.root = real;
        this.unusableReason = reason;
    }

    public Path root() {
        return root;
    }

    /** Why pins are unavailable, or null when the root is a usable bpffs. */
    public String unusableReason() {
        return unusableReason;
    }

    /**
     * Resolves a client's path to an absolute path under the root whose parent directories exist,
     * creating them.
     */
    Path prepare(String requested) throws VarlinkError {
        Path path = resolve(requested);
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw ApiErrors.invalidPinPath(requested, "cannot create its directory: " + e.getMessage());
        }
        if (!BpfFs.isBpfFs(path.getParent())) {
            throw ApiErrors.invalidPinPath(requested, "its directory is not on a bpffs");
        }
        return path;
    }

    /** Resolves a client's path to an absolute path under the root, without touching the filesystem. */
    Path resolve(String requested) throws VarlinkError {
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
        for (Path part : root.relativize(path)) {
            if (part.toString().contains(".")) {
                // bpffs refuses such names with a bare EPERM; say why instead.
                throw ApiErrors.invalidPinPath(requested, "bpffs reserves names that contain '.'");
            }
        }
        for (Path step = path.getParent(); !step.equals(root); step = step.getParent()) {
            if (Files.isSymbolicLink(step)) {
                throw ApiErrors.invalidPinPath(requested, "goes through the symlink " + step);
            }
        }
        if (Files.isSymbolicLink(path)) {
            throw ApiErrors.invalidPinPath(requested, "is a symlink");
        }
        return path;
    }

    /** The uid owning the file at {@code path}, for deciding who may adopt what a pin holds. */
    static int ownerUid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
