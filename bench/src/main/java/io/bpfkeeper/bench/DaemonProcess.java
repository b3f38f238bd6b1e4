package io.bpfkeeper.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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

    /** How long the daemon must stay nearly idle for {@link #awaitQuiet} to return. */
    private static final Duration QUIET_WINDOW = Duration.ofMillis(250);
    /** A tick of /proc/PID/stat's CPU times (10 ms) in a window: 4% of a core. */
    private static final long QUIET_CPU_NANOSECONDS = 10_000_000;
    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Waits until the daemon's background work after a burst of calls is done, such as the journal
     * rewriting its snapshot of 10,000 objects after each batch of changes, so that it does not fall
     * into what is measured next: until its CPU time grows by at most one tick in
     * {@link #QUIET_WINDOW}. After {@link #QUIET_TIMEOUT} it says so and returns.
     */
    void awaitQuiet() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + QUIET_TIMEOUT.toNanos();
        long before = cpuNanoseconds();
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_WINDOW.toMillis());
            long after = cpuNanoseconds();
            if (after - before <= QUIET_CPU_NANOSECONDS) {
                return;
            }
            before = after;
        }
        System.err.println("bench: the daemon was still busy after " + QUIET_TIMEOUT.toSeconds()
                + " s; measuring anyway");
    }

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
