package io.bpfkeeper.bench;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A busy host, for the figures that walk the whole host: many processes, and many BPF objects
 * beside the ones a benchmark measures. The processes are {@code sleep}s whose three fds are
 * {@code /dev/null}; the objects are one-entry array maps, each pinned in the run's bpffs and held
 * by nothing else, so that every walk of /proc, of bpffs and of the kernel's ids meets them.
 */
final class HostLoad implements AutoCloseable {

    /** Longer than any run takes, and bounded, should the harness be killed before it ends them. */
    private static final String SLEEP_SECONDS = "3600";

    private final List<Process> processes;
    private final Path pinDirectory;
    /** Ends the processes when the harness is stopped with a signal, which skips {@link #close}. */
    private final Thread endOnExit;

    private HostLoad(List<Process> processes, Path pinDirectory) {
        this.processes = processes;
        this.pinDirectory = pinDirectory;
        this.endOnExit = new Thread(this::endProcesses, "bench-host-load-end");
        Runtime.getRuntime().addShutdownHook(endOnExit);
    }

    /** @param pinDirectory a directory on bpffs that does not exist yet, for the objects' pins */
    static HostLoad create(int processCount, int objectCount, Path pinDirectory) throws IOException {
        Files.createDirectory(pinDirectory);
        HostLoad load = new HostLoad(new ArrayList<>(processCount), pinDirectory);
        try {
            for (int i = 0; i < objectCount; i++) {
                try (BpfMap map = BpfMap.create(new MapSpec("bench_load" + i, MapType.ARRAY, 4, 8, 1, 0))) {
                    BpfFs.pin(map.fd(), pinDirectory.resolve("map" + i));
                }
            }
            ProcessBuilder sleeper = new ProcessBuilder("sleep", SLEEP_SECONDS)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            for (int i = 0; i < processCount; i++) {
                load.processes.add(sleeper.start());
            }
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    /** Ends the processes and unpins the objects, which frees them. */
    @Override
    public void close() throws IOException {
        endProcesses();
        Runtime.getRuntime().removeShutdownHook(endOnExit);
        try (var pins = Files.newDirectoryStream(pinDirectory)) {
            for (Path pin : pins) {
                Files.delete(pin);
            }
        }
        Files.delete(pinDirectory);
    }

    private void endProcesses() {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            process.onExit().join();
        }
    }
}
