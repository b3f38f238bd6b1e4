package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.Processes;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real systemd booted with systemd-nspawn on an overlay of this host's root (the recipe of
 * shared/notes/kernel-facts.md, section 6). The host's packages are there, so a .deb installs with
 * its dependencies; the container's writes go to an upper directory that is deleted at close. BPF
 * is not namespaced: kernel ids seen inside are the host's, and bpftool on the host sees the same
 * objects.
 */
public final class SystemdContainer implements AutoCloseable {

    private static final Duration BOOT_DEADLINE = Duration.ofMinutes(3);
    private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(3);
    private static final Duration STOP_DEADLINE = Duration.ofMinutes(1);

    private final Path directory;
    private final Process nspawn;
    private final long init;

    private SystemdContainer(Path directory, Process nspawn, long init) {
        this.directory = directory;
        this.nspawn = nspawn;
        this.init = init;
    }

    /**
     * Boots the container with {@code files} copied into its /root, and waits until its systemd has
     * finished booting.
     *
     * @param systemdArguments for the container's systemd, such as "systemd.unit=basic.target"
     */
    public static SystemdContainer boot(List<Path> files, String... systemdArguments) {
        Path directory;
        try {
            directory = Files.createTempDirectory("bpfkeeper-container-");
            Path home = Files.createDirectories(directory.resolve("upper/root"));
            Files.createDirectories(directory.resolve("work"));
            Files.createDirectories(directory.resolve("root"));
            for (Path file : files) {
                Files.copy(file, home.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "bash",
                bootScript().toString(), directory.resolve("upper").toString(), directory.resolve("work").toString(),
                directory.resolve("root").toString()));
        command.addAll(List.of(systemdArguments));
        Process nspawn;
        try {
            nspawn = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("console.log").toFile())
                    .redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] init = new long[1];
        try {
            // unshare and the script exec, so the process is nspawn, and the container's init its child.
            Eventually.until(BOOT_DEADLINE, () -> (init[0] = systemdChildOf(nspawn.pid())) > 0 || !nspawn.isAlive(),
                    "the container's systemd to start");
            requireAlive(nspawn, directory);
            SystemdContainer container = new SystemdContainer(directory, nspawn, init[0]);
            // Early on, systemctl cannot reach systemd yet and returns at once, so ask until it says
            // the boot is over. "degraded" counts: the host's own units may fail in a container.
            Eventually.until(BOOT_DEADLINE, () -> !nspawn.isAlive() || List.of("running", "degraded").contains(
                    container.run("systemctl", "is-system-running", "--wait").stdout().strip()),
                    "the container's boot to finish");
            requireAlive(nspawn, directory);
            return container;
        } catch (RuntimeException | AssertionError e) {
            stop(nspawn);
            Directories.deleteRecursively(directory);
            throw e;
        }
    }

    private static void requireAlive(Process nspawn, Path directory) {
        if (!nspawn.isAlive()) {
            throw new AssertionError("systemd-nspawn exited with " + nspawn.exitValue() + ":\n"
                    + read(directory.resolve("console.log")));
        }
    }

    /** Runs a command in the container (nsenter into every namespace of its systemd). */
    public Processes.Result run(String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--target", Long.toString(init), "--all"));
        full.addAll(List.of(command));
        return Processes.run(COMMAND_DEADLINE, full);
    }

    /** Runs a command in the container and returns its output, failing if it fails. */
    public String output(String... command) {
        return run(command).requireSuccess().stdout().strip();
    }

    /** {@code systemctl show --value -p PROPERTY UNIT}. */
    public String property(String unit, String property) {
        return output("systemctl", "show", "--value", "--property=" + property, unit);
    }

    /**
     * The host's pid of the container's process {@code pid}, so that the host can signal it with no
     * delay: the process in the container's pid namespace whose innermost pid that is.
     */
    public long hostPid(long pid) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            Path namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(init), "ns/pid"));
            for (Path process : processes.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (!Files.readSymbolicLink(process.resolve("ns/pid")).equals(namespace)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(process.resolve("status"))) {
                        String[] pids = line.startsWith("NSpid:") ? line.substring(6).strip().split("\\s+") : null;
                        if (pids != null && Long.parseLong(pids[pids.length - 1]) == pid) {
                            return Long.parseLong(pids[0]);
                        }
                    }
                } catch (IOException e) {
                    // The process exited while we read it.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no process " + pid + " in the container");
    }

    /** A path inside the container, as seen from the host through its init's root. */
    public Path path(String inside) {
        return Path.of("/proc", Long.toString(init), "root").resolve(inside.substring(1));
    }

    /** What the container printed on its console: its boot messages. */
    public String console() {
        return read(directory.resolve("console.log"));
    }

    /** Shuts the container down (SIGTERM to nspawn powers it off cleanly) and deletes its files. */
    @Override
    public void close() {
        stop(nspawn);
        Directories.deleteRecursively(directory);
    }

    private static void stop(Process nspawn) {
        nspawn.destroy();
        try {
            if (!nspawn.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                nspawn.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The child of {@code pid} that runs systemd, or 0: nspawn's other children come and go while it sets up. */
    private static long systemdChildOf(long pid) {
        try {
            String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid),
                    "children")).strip();
            for (String child : children.isEmpty() ? new String[0] : children.split(" ")) {
                if (Files.readString(Path.of("/proc", child, "comm")).strip().equals("systemd")) {
                    return Long.parseLong(child);
                }
            }
        } catch (IOException e) {
            // The child exited between the two reads; look again.
        }
        return 0;
    }

    private static Path bootScript() {
        try {
            return Path.of(SystemdContainer.class.getResource("/container/boot").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
