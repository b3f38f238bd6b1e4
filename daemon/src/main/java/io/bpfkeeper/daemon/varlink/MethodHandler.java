package io.bpfkeeper.daemon.varlink;

/** Implements one method. It replies through the context or throws. */
@FunctionalInterface
public interface MethodHandler {

    void handle(CallContext call) throws Exception;
}
