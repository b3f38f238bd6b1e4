package io.bpfkeeper.daemon.config;

import java.time.Duration;

/**
 * What one client may make the daemon hold and spend, in one place so that a policy can set it.
 * Per-uid limits on objects, locked memory and connections are the policy's; these bound the
 * daemon's own memory and threads.
 *
 * @param connectionBytes bytes of ended calls and unwritten replies one connection may have in
 *     flight before the daemon stops reading from it; a message that grows past this needs one of
 *     the large-message slots to go on arriving, so only one message larger than this is in flight
 *     per connection
 * @param largeMessagesBytes bytes for messages larger than {@code connectionBytes}, across all
 *     connections: {@code largeMessagesBytes / maxMessageBytes} of them may be in flight at once
 *     (at least one); the others wait, unread, in their sockets
 * @param messageArrivalTimeout how long a message may take to arrive whole, from its first byte to
 *     its NUL, while the daemon reads; then its connection is closed. A connection with no message
 *     under way stays open, since its session objects live with it
 * @param workerSharePerUid how many worker threads the calls of one uid may occupy at once; its
 *     further slow calls wait for one of its own to finish
 * @param maxTestRunRepeat the largest {@code repeat} of TestRun
 * @param maxMapBytesPerCall the largest {@code maxEntries × (keySize + valueSize)} of one CreateMap
 */
public record ClientLimits(long connectionBytes, long largeMessagesBytes, Duration messageArrivalTimeout,
        int workerSharePerUid, int maxTestRunRepeat, long maxMapBytesPerCall) {

    public static final long DEFAULT_CONNECTION_BYTES = 1024 * 1024;
    public static final long DEFAULT_LARGE_MESSAGES_BYTES = 32L * 1024 * 1024;
    public static final Duration DEFAULT_MESSAGE_ARRIVAL_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_TEST_RUN_REPEAT = 1_000_000;
    public static final long DEFAULT_MAX_MAP_BYTES_PER_CALL = 256L * 1024 * 1024;

    public ClientLimits {
        if (connectionBytes < 4096 || largeMessagesBytes < connectionBytes || messageArrivalTimeout.isNegative()
                || messageArrivalTimeout.isZero() || workerSharePerUid < 1 || maxTestRunRepeat < 1
                || maxMapBytesPerCall < 1) {
            throw new IllegalArgumentException("unusable client limits: " + this);
        }
    }

    /** The defaults: one uid may occupy half of the workers, so that another uid always finds one free. */
    public static final ClientLimits DEFAULT = new ClientLimits(DEFAULT_CONNECTION_BYTES,
            DEFAULT_LARGE_MESSAGES_BYTES, DEFAULT_MESSAGE_ARRIVAL_TIMEOUT, workerThreads() / 2,
            DEFAULT_MAX_TEST_RUN_REPEAT, DEFAULT_MAX_MAP_BYTES_PER_CALL);

    /** Threads for calls that may block in the kernel: they mostly wait there, so twice the CPUs. */
    public static int workerThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    public ClientLimits withMessageArrivalTimeout(Duration timeout) {
        return new ClientLimits(connectionBytes, largeMessagesBytes, timeout, workerSharePerUid, maxTestRunRepeat,
                maxMapBytesPerCall);
    }
}
