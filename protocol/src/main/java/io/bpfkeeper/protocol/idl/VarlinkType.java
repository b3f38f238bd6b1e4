package io.bpfkeeper.protocol.idl;

/**
 * A type of the Varlink interface definition language, as written in a field
 * declaration. Named types stay references ({@link NamedType}) so that
 * recursive definitions need no cycle in the model.
 */
public sealed interface VarlinkType
        permits ScalarType, ArrayType, DictType, SetType, NullableType, StructType, EnumType, NamedType {
}
