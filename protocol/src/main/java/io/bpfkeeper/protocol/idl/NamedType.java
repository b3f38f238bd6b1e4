package io.bpfkeeper.protocol.idl;

import java.util.Objects;

/** A reference to a {@code type} declared in the same interface. */
public record NamedType(String name) implements VarlinkType {
    public NamedType {
        Objects.requireNonNull(name, "name");
    }
}
