package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code LinkProperties}: what a link attaches, and where.
 *
 * @param attached false once the link is off its hook although it still exists
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LinkProperties(Hook hook, long programId, AttachTarget target, boolean attached) {
}
