package io.bpfkeeper.protocol.idl;

import java.util.Objects;

/** {@code []T}: a JSON array whose elements are all of one type. */
public record ArrayType(VarlinkType element) implements VarlinkType {
    public ArrayType {
        Objects.requireNonNull(element, "element");
    }
}
