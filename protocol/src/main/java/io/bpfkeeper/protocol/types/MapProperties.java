package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code MapProperties}: a map's properties as the kernel reports them.
 *
 * @param flags BPF_F_* map flags
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MapProperties(long keySize, long valueSize, long maxEntries, long flags) {
}
