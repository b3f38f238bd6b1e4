package io.bpfkeeper.daemon.varlink;

/**
 * Told once about every call when it has finished, for request metrics. Runs on the thread that
 * finished the call (an event loop or a worker), so it must be quick and must not throw.
 */
public interface CallObserver {

    /** The outcome of a call that replied without an error. */
    String OK = "ok";
    /** The outcome of a call whose client disconnected before it could reply. */
    String DISCONNECTED = "disconnected";

    /**
     * @param method the fully qualified name of a method this server serves, or null when the call
     *     named none (an unknown interface or method): client input must not become a label
     * @param outcome {@link #OK}, {@link #DISCONNECTED}, or the fully qualified Varlink error name
     * @param durationNanos from the start of the call's handling to its last reply
     */
    void finished(String method, String outcome, long durationNanos);

    CallObserver NONE = (method, outcome, durationNanos) -> {
    };
}
