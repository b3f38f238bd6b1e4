package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The IDL type {@code Direction}: which way packets go through a hook. */
public enum Direction {
    INGRESS, EGRESS;

    /** The IDL spelling: the constant's name in lower case. Jackson reads and writes this. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
