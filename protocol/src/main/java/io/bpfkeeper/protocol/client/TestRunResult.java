package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The reply of {@code io.bpfkeeper.TestRun}.
 *
 * @param data the data the program left, hex
 * @param durationNs the mean duration of one run
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TestRunResult(long retval, String data, long durationNs) {
}
