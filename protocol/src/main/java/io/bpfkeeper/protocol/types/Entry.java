package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code Entry}: one map entry.
 *
 * @param key lowercase hex of the raw key bytes
 * @param value lowercase hex of the raw value bytes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Entry(String key, String value) {
}
