package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.Fd;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One call in progress: its parameters, who made it, and where its replies go. A handler replies
 * exactly once with {@link #reply}; a streaming handler may first send any number of
 * {@link #replyContinues} replies.
 *
 * <p>Fds that came with the call are the context's until a handler takes one with {@link #takeFd};
 * the ones no handler took are closed when the call ends.
 */
public final class CallContext {

    private final VarlinkCall call;
    private final Connection connection;
    private final ReplySink sink;
    /** By index in the message; null once taken or closed. */
    private final List<Fd> fds;
    private boolean finished;
    private String outcome = CallObserver.DISCONNECTED;

    CallContext(VarlinkCall call, Connection connection, ReplySink sink, List<Fd> fds) {
        this.call = call;
        this.connection = connection;
        this.sink = sink;
        this.fds = new ArrayList<>(fds);
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

    /**
     * The fd that came with the call at {@code index}, as the fd parameter {@code parameter} names
     * it. The caller owns it from now on.
     *
     * @throws VarlinkError InvalidParameter naming {@code parameter} when no fd came at that index,
     *     or it was taken already
     */
    public synchronized Fd takeFd(String parameter, long index) throws VarlinkError {
        return fds.set(present(parameter, index), null);
    }

    /**
     * Lends the fd at {@code index} to {@code reader}, for a look before the handler runs (the
     * policy's, say), and leaves it the call's, for the handler to take. The reader must neither
     * close the fd nor keep it; no one can take or close it while the reader runs.
     *
     * @throws VarlinkError as {@link #takeFd} does
     */
    public synchronized <T> T lendFd(String parameter, long index, Function<Fd, T> reader) throws VarlinkError {
        return reader.apply(fds.get(present(parameter, index)));
    }

    private int present(String parameter, long index) throws VarlinkError {
        if (index < 0 || index >= fds.size() || fds.get((int) index) == null) {
            throw VarlinkError.invalidParameter(parameter);
        }
        return (int) index;
    }

    /** Closes the fds that no handler took; the call has ended. */
    synchronized void closeUntakenFds() {
        for (int i = 0; i < fds.size(); i++) {
            Fd fd = fds.set(i, null);
            if (fd != null) {
                fd.close();
            }
        }
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

    /**
     * The final reply, with {@code fds} sent in SCM_RIGHTS with its first byte; the reply refers to
     * them by their index in the list. The reply owns them from now on, and closes them once they
     * are sent, or when they cannot be.
     */
    public void reply(Object parameters, List<Fd> fds) {
        if (finished) {
            fds.forEach(Fd::close);
            throw new IllegalStateException(call.method() + " replied twice");
        }
        finished = true;
        outcome = CallObserver.OK;
        if (call.oneway()) {
            fds.forEach(Fd::close);
        } else {
            sink.send(VarlinkReply.withFds(parameters, false, fds));
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
