package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The IDL type {@code Hook}: where Attach can attach a program. */
public enum Hook {
    XDP, TCX, TC, CGROUP, TRACEPOINT, KPROBE, KRETPROBE, FENTRY, FEXIT;

    /** The IDL spelling: the constant's name in lower case. Jackson reads and writes this. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
