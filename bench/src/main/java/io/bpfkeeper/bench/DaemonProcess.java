package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon under test: a bpfkeeperd process of its own, started by scripts/bench through
 * bin/bpfkeeperd, so that the launcher's JVM flags are part of what is measured.
 *
 * @param pid the daemon's JVM
 */
record DaemonProcess(Path socket, long pid) implements ServerProcess {

    /** VmRSS: the daemon's memory that is resident in RAM, its JVM's own and the heap's. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                // "VmRSS:	  123456 kB"
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /** The daemon's live heap, after a full collection. */
    HeapHistogram liveHeap() throws IOException, InterruptedException {
        return HeapHistogram.of(pid);
    }
}
