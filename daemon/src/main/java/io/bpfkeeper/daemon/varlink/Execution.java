package io.bpfkeeper.daemon.varlink;

/** Where a method runs. */
public enum Execution {
    /**
     * On the connection's event loop thread: for calls that take microseconds, such as a map lookup,
     * where a thread hop would cost more than the work.
     */
    EVENT_LOOP,
    /** On a worker thread: for anything that can take long (a program load), so no client waits. */
    WORKER
}
