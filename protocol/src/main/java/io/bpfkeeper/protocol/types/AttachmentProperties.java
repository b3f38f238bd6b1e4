package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code AttachmentProperties}: an attachment without a link, such as a tc filter,
 * which the kernel holds.
 *
 * @param heldBy who holds it and how to remove it, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttachmentProperties(Hook hook, long programId, AttachTarget target, String heldBy) {
}
