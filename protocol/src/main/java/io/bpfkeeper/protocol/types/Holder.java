package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code Holder}: one holder of an object, as Explain finds it.
 *
 * @param description what the holder is and what ends its hold, in plain words
 * @param pid for a process
 * @param command for a process: its command name
 * @param fd for a process: the fd number
 * @param path for a pin
 * @param id for a link or a program: its kernel id
 * @param target for a link or an attachment: where it is attached
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Holder(HolderType type, String description, Long pid, String command, Long fd, String path, Long id,
        String target) {
}
