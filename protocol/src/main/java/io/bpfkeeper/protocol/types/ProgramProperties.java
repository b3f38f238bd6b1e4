package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The IDL type {@code ProgramProperties}: a program's properties as the kernel reports them.
 *
 * @param tag the program tag, 16 hex digits, as bpftool shows it
 * @param mapIds kernel ids of the maps the program uses
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProgramProperties(String tag, List<Long> mapIds) {
}
