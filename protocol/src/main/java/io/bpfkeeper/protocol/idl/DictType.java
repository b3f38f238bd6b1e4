package io.bpfkeeper.protocol.idl;

import java.util.Objects;

/** {@code [string]T}: a JSON object used as a map from string keys to values of one type. */
public record DictType(VarlinkType value) implements VarlinkType {
    public DictType {
        Objects.requireNonNull(value, "value");
    }
}
