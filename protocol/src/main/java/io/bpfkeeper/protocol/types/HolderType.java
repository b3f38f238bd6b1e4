package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The IDL type {@code HolderType}: what kind of holder keeps an object alive. */
public enum HolderType {
    PROCESS, PIN, LINK, ATTACHMENT, PROGRAM, DAEMON, FDSTORE;

    /** The IDL spelling: the constant's name in lower case. Jackson reads and writes this. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
