package io.bpfkeeper.daemon.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that becomes true asynchronously, such as the kernel
 * freeing an object after its last reference is dropped (frees go through RCU,
 * so an object can still be found by id for a moment).
 */
public final class Eventually {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private Eventually() {}

    /**
     * Polls {@code condition} every 20 ms until it is true.
     *
     * @param description what is awaited, for the failure message
     * @throws AssertionError if it is still false when {@code timeout} has passed
     */
    public static void until(Duration timeout, BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("still not true after " + timeout + ": " + description);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until: " + description, e);
            }
        }
    }
}
