package io.bpfkeeper.daemon.metrics;

/**
 * Counts operations on one of the daemon's stores, such as writes of the journal or entries sent to
 * systemd's fd store, by operation and outcome; {@link DaemonMetrics} exports them.
 */
@FunctionalInterface
public interface OperationCounter {

    /** Counts nothing, for a daemon with its metrics off. */
    OperationCounter NONE = (operation, ok) -> {
    };

    /**
     * @param operation what was done, such as "write" or "store"
     * @param ok whether it succeeded
     */
    void count(String operation, boolean ok);
}
