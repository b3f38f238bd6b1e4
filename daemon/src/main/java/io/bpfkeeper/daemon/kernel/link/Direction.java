package io.bpfkeeper.daemon.kernel.link;

/** Which way packets go through a hook. */
public enum Direction {
    INGRESS, EGRESS;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
