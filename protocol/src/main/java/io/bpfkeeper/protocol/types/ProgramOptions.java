package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The IDL type {@code ProgramOptions}: how to load one program of an ELF object.
 *
 * @param type bpftool's program type name; null keeps libbpf's guess from the section
 * @param expectedAttachType bpftool's attach type name; null keeps libbpf's guess
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProgramOptions(String type, String expectedAttachType) {
}
