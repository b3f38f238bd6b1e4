package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The IDL type {@code UpdateMode}: how {@code MapUpdate} treats an existing key. */
public enum UpdateMode {
    ANY, NOEXIST, EXIST;

    /** The IDL spelling: the constant's name in lower case. Jackson reads and writes this. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
