package io.bpfkeeper.protocol.idl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code (name: T, ...)}: a JSON object with the declared fields, in declaration
 * order. Method parameters, method results and error parameters are structs too.
 */
public record StructType(Map<String, VarlinkType> fields) implements VarlinkType {
    public StructType {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
