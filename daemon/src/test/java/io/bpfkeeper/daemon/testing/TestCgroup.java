package io.bpfkeeper.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A cgroup v2 of its own for a test, created under the host's cgroup2 mount and removed after. */
public final class TestCgroup implements AutoCloseable {

    private final Path path;

    private TestCgroup(Path path) {
        this.path = path;
    }

    public static TestCgroup create() {
        try {
            Path root = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields[2].equals("cgroup2"))
                    .map(fields -> Path.of(fields[1]))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no cgroup2 filesystem is mounted"));
            return new TestCgroup(Files.createDirectory(root.resolve("bpfkeeper-test-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    /** Removes the cgroup; the kernel detaches what was attached to it. */
    @Override
    public void close() {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
