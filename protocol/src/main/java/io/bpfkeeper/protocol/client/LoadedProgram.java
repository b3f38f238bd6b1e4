package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.bpfkeeper.protocol.types.BpfObject;

/**
 * The reply of {@code io.bpfkeeper.LoadProgram}.
 *
 * @param log the verifier log, when the request asked for one with a log level; else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadedProgram(BpfObject object, String log) {
}
