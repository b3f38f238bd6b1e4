package io.bpfkeeper.protocol.idl;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@code (a, b, c)}: one of the listed names, sent as a JSON string; in declaration order. */
public record EnumType(Set<String> values) implements VarlinkType {
    public EnumType {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }
}
