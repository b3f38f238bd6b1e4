package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One call in progress: its parameters, who made it, and where its replies go. A handler replies
 * exactly once with {@link #reply}; a streaming handler may first send any number of
 * {@link #replyContinues} replies.
 */
public final class CallContext {

    private final VarlinkCall call;
    private final Connection connection;
    private final ReplySink sink;
    private boolean finished;
    private String outcome = CallObserver.DISCONNECTED;

    CallContext(VarlinkCall call, Connection connection, ReplySink sink) {
        this.call = call;
        this.connection = connection;
        this.sink = sink;
    }

    /** Where replies go; the dispatcher decides whether a write is flushed at once. */
    interface ReplySink {
        void send(VarlinkReply reply);
    }

    public VarlinkCall call() {
        return call;
    }

    /** Validated against the IDL before the handler runs. */
    public ObjectNode parameters() {
        if (call.parameters() instanceof CallParameters.Tree tree) {
            return tree.node();
        }
        throw new IllegalStateException(call.method() + " has a ParameterReader: its handler takes readParameters");
    }

    /** What the method's {@link ParameterReader} made of the parameters. */
    public <T> T readParameters(Class<T> type) {
        if (call.parameters() instanceof CallParameters.Read read) {
            return type.cast(read.value());
        }
        throw new IllegalStateException(call.method() + " has no ParameterReader: its handler takes parameters");
    }

    public Connection connection() {
        return connection;
    }

    public boolean wantsMore() {
        return call.more();
    }

    /** The final reply. Oneway calls get no reply, so it goes nowhere for them. */
    public void reply(Object parameters) {
        if (finished) {
            throw new IllegalStateException(call.method() + " replied twice");
        }
        finished = true;
        outcome = CallObserver.OK;
        if (!call.oneway()) {
            sink.send(VarlinkReply.of(parameters, false));
        }
    }

    /** A reply that more will follow; only for calls made with "more". */
    public void replyContinues(Object parameters) {
        if (finished || !call.more()) {
            throw new IllegalStateException(call.method() + " cannot continue a reply here");
        }
        sink.send(VarlinkReply.of(parameters, true));
    }

    void fail(VarlinkError error) {
        finished = true;
        outcome = error.name();
        if (!call.oneway()) {
            sink.send(VarlinkReply.error(error));
        }
    }

    boolean finished() {
        return finished;
    }

    /** How the call ended, as {@link CallObserver} reports it. */
    String outcome() {
        return outcome;
    }
}
