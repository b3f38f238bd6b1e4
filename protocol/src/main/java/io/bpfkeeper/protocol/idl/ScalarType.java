package io.bpfkeeper.protocol.idl;

/** The built-in types {@code bool int float string object}. */
public enum ScalarType implements VarlinkType {
    BOOL,
    INT,
    FLOAT,
    STRING,
    /** Any JSON object, not checked further. */
    OBJECT
}
