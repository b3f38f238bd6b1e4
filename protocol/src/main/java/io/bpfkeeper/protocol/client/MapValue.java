package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The value that {@code io.bpfkeeper.MapLookup} found for a key.
 *
 * @param value lowercase hex; for per-CPU maps, every CPU's value back to back, each padded to
 *     8 bytes
 * @param perCpu for per-CPU maps, each CPU's value on its own; else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MapValue(String value, List<String> perCpu) {
}
