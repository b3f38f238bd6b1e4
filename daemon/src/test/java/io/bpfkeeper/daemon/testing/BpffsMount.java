package io.bpfkeeper.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A bpffs instance of its own, mounted on a new temporary directory. Every
 * {@code mount -t bpf} creates an independent instance, and unmounting it
 * drops all of its pins, so nothing pinned here leaks into other tests or
 * into /sys/fs/bpf. Needs root. Tests usually want {@link PrivateBpffs}.
 */
public final class BpffsMount implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path path;

    private BpffsMount(Path path) {
        this.path = path;
    }

    /** Mounts a new bpffs instance on a new temporary directory. */
    public static BpffsMount create() {
        Path directory = createDirectory();
        // libbpf 1.1 turns every '.' of a pin path into '_', so objects pinned
        // by libbpf under such a directory would land somewhere else.
        if (directory.toString().contains(".")) {
            deleteDirectory(directory);
            throw new IllegalStateException(
                    "the bpffs mount point " + directory + " has a '.' in its path, which libbpf rewrites in pin paths;"
                            + " point java.io.tmpdir to a directory without one");
        }
        try {
            Processes.run(TIMEOUT, "mount", "-t", "bpf", "bpf", directory.toString()).requireSuccess();
        } catch (RuntimeException e) {
            deleteDirectory(directory);
            throw e;
        }
        return new BpffsMount(directory);
    }

    /** The mount point. */
    public Path path() {
        return path;
    }

    /** Unmounts, dropping every pin of this instance, and deletes the mount point. */
    @Override
    public void close() {
        // Something may still hold the mount open (a file descriptor of the
        // test, a process it started); a lazy unmount detaches it anyway.
        if (Processes.run(TIMEOUT, "umount", path.toString()).exitCode() != 0) {
            Processes.run(TIMEOUT, "umount", "-l", path.toString()).requireSuccess();
        }
        deleteDirectory(path);
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("bpffs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteDirectory(Path directory) {
        try {
            Files.delete(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
