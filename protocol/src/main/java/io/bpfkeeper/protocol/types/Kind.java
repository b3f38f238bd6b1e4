package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The IDL type {@code Kind}: what kind of object a handle names. */
public enum Kind {
    MAP, PROGRAM, LINK, ATTACHMENT;

    /** The IDL spelling: the constant's name in lower case. Jackson reads and writes this. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
