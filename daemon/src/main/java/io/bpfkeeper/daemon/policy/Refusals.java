package io.bpfkeeper.daemon.policy;

/** Told of every refusal, by the grant that was missing, for the metrics. */
@FunctionalInterface
public interface Refusals {

    void refused(String reason);

    Refusals NONE = reason -> {
    };
}
