package io.bpfkeeper.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon under test: a bpfkeeperd process of its own, started by scripts/bench through
 * bin/bpfkeeperd, so that the launcher's JVM flags are part of what is measured.
 *
 * @param pid the daemon's JVM
 * @param metrics the URL of its Prometheus metrics
 */
record DaemonProcess(Path socket, long pid, URI metrics) implements ServerProcess {

    /** MarkSweepAlwaysCompactCount: the serial collector compacts fully at least this often. */
    private static final int FULL_COLLECTIONS = 4;

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

    /**
     * The daemon's live heap: the least of the class histograms of {@link #FULL_COLLECTIONS} full
     * collections in a row. The serial collector, bin/bpfkeeperd's, may leave up to 5% of the old
     * generation as dead wood, filled with int[] that a histogram counts as live, in every full
     * collection but each 4th (MarkSweepDeadRatio, MarkSweepAlwaysCompactCount). Right after the
     * daemon released 10,000 maps, up to three histograms in a row counted about their 4.5 MB again
     * that way, which made the heap per held map 0 or negative.
     */
    HeapHistogram liveHeap() throws IOException, InterruptedException {
        HeapHistogram least = HeapHistogram.of(pid);
        for (int collection = 1; collection < FULL_COLLECTIONS; collection++) {
            HeapHistogram next = HeapHistogram.of(pid);
            if (next.totalBytes() < least.totalBytes()) {
                least = next;
            }
        }
        return least;
    }
}
