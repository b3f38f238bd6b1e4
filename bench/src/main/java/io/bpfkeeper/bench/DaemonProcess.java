package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The daemon under test: a bpfkeeperd process of its own, started by scripts/bench through
 * bin/bpfkeeperd, so that the launcher's JVM flags are part of what is measured.
 *
 * @param pid the daemon's JVM
 */
record DaemonProcess(Path socket, long pid) implements ServerProcess {

    private static final int HEAP_SETTLE_ATTEMPTS = 15;
    private static final Duration HEAP_SETTLE_INTERVAL = Duration.ofSeconds(1);
    /** 6.5 bytes per map of 10,000: well below what the memory figures resolve. */
    private static final long HEAP_SETTLED_BYTES = 64 * 1024;

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
     * The daemon's live heap, from class histograms (each after a full collection) taken a second
     * apart until two agree. One is not enough: right after the daemon released 10,000 maps, a
     * histogram sometimes still counted about their size again as int[], which the next one, a
     * second or a few later, did not; taken alone it made the heap per held map negative in every
     * other round.
     */
    HeapHistogram liveHeap() throws IOException, InterruptedException {
        HeapHistogram previous = HeapHistogram.of(pid);
        for (int attempt = 0; attempt < HEAP_SETTLE_ATTEMPTS; attempt++) {
            Thread.sleep(HEAP_SETTLE_INTERVAL.toMillis());
            HeapHistogram current = HeapHistogram.of(pid);
            if (Math.abs(current.totalBytes() - previous.totalBytes()) <= HEAP_SETTLED_BYTES) {
                return current;
            }
            previous = current;
        }
        throw new IOException("the live heap of the daemon (pid " + pid + ") did not settle within "
                + HEAP_SETTLE_ATTEMPTS + " histograms");
    }
}
