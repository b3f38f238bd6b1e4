package io.bpfkeeper.daemon.varlink;

/**
 * A method implementation.
 *
 * @param name the unqualified name as the IDL spells it
 * @param streaming the method sends one reply per item and needs "more"; without it the call fails
 *     with ExpectedMore, as systemd's enumerations do
 */
public record Method(String name, Execution execution, boolean streaming, MethodHandler handler) {

    public static Method onEventLoop(String name, MethodHandler handler) {
        return new Method(name, Execution.EVENT_LOOP, false, handler);
    }

    public static Method onWorker(String name, MethodHandler handler) {
        return new Method(name, Execution.WORKER, false, handler);
    }

    public static Method streaming(String name, MethodHandler handler) {
        return new Method(name, Execution.WORKER, true, handler);
    }
}
