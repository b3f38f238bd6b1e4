package io.bpfkeeper.daemon.varlink;

/**
 * A method implementation.
 *
 * @param name the unqualified name as the IDL spells it
 * @param streaming the method sends one reply per item and needs "more"; without it the call fails
 *     with ExpectedMore, as systemd's enumerations do
 * @param parameterReader reads the parameters without a JSON tree, checking them as it reads; null
 *     for a method whose handler takes them as a tree, checked against the IDL
 */
public record Method(String name, Execution execution, boolean streaming, MethodHandler handler,
        ParameterReader parameterReader) {

    public static Method onEventLoop(String name, MethodHandler handler) {
        return new Method(name, Execution.EVENT_LOOP, false, handler, null);
    }

    public static Method onWorker(String name, MethodHandler handler) {
        return new Method(name, Execution.WORKER, false, handler, null);
    }

    public static Method streaming(String name, MethodHandler handler) {
        return new Method(name, Execution.WORKER, true, handler, null);
    }

    /** This method, with its parameters read by {@code reader}; its handler takes them with readParameters. */
    public Method readingParametersWith(ParameterReader reader) {
        return new Method(name, execution, streaming, handler, reader);
    }
}
