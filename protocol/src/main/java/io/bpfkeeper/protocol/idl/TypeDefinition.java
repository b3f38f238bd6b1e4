package io.bpfkeeper.protocol.idl;

/**
 * A {@code type Name (...)} declaration.
 *
 * @param type a {@link StructType} or an {@link EnumType}
 * @param doc the comment lines right above the declaration, without their {@code #}; empty if none
 */
public record TypeDefinition(String name, VarlinkType type, String doc) {
}
