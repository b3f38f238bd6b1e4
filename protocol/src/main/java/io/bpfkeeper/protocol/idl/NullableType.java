package io.bpfkeeper.protocol.idl;

import java.util.Objects;

/**
 * {@code ?T}: a value that may be JSON {@code null} or, as a struct field, absent.
 * The parser never nests one directly in another, because {@code ??T} is not valid IDL.
 */
public record NullableType(VarlinkType inner) implements VarlinkType {
    public NullableType {
        Objects.requireNonNull(inner, "inner");
    }
}
