package io.bpfkeeper.protocol.idl;

/**
 * An {@code error Name (parameters)} declaration.
 *
 * @param doc the comment lines right above the declaration, without their {@code #}; empty if none
 */
public record ErrorDefinition(String name, StructType parameters, String doc) {
}
