package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tracefs, where the kernel numbers its tracepoints: a perf event names a tracepoint by the id in
 * events/CATEGORY/NAME/id.
 */
final class Tracefs {

    private static final Logger log = LoggerFactory.getLogger(Tracefs.class);
    private static final Path USUAL_MOUNT = Path.of("/sys/kernel/tracing");

    private Tracefs() {
    }

    /** The id of a tracepoint, such as syscalls/sys_enter_getpid. */
    static int eventId(String category, String name) {
        Path root = root();
        try {
            return Integer.parseInt(Files.readString(root.resolve("events").resolve(category).resolve(name)
                    .resolve("id")).strip());
        } catch (NoSuchFileException e) {
            throw new InvalidTargetException(Part.TRACEPOINT_NAME, "the kernel has no tracepoint " + category + "/" + name + " ("
                    + root.resolve("available_events") + " lists them as category:name)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where tracefs is mounted. systemd mounts it at boot; minimal hosts and containers may not, and
     * then the daemon mounts it where systemd would, as bpftool does when it needs it.
     */
    private static synchronized Path root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[2].equals("tracefs")) {
                    return Path.of(fields[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (LibC.INSTANCE.mount("tracefs", USUAL_MOUNT.toString(), "tracefs", 0, null) != 0) {
            throw new BpfException("mount", LibC.errno())
                    .withContext("mount tracefs at " + USUAL_MOUNT + " to find tracepoints");
        }
        log.info("mounted tracefs at {} to find tracepoints", USUAL_MOUNT);
        return USUAL_MOUNT;
    }
}
