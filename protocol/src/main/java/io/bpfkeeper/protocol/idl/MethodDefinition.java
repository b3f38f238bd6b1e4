package io.bpfkeeper.protocol.idl;

/**
 * A {@code method Name(input) -> (output)} declaration.
 *
 * @param doc the comment lines right above the declaration, without their {@code #}; empty if none
 */
public record MethodDefinition(String name, StructType input, StructType output, String doc) {
}
