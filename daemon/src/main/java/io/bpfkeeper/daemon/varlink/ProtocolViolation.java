package io.bpfkeeper.daemon.varlink;

/**
 * A message broke the protocol: it was not JSON, not an object, had no method, or was too long. The
 * server answers once with an error and closes that connection; other connections are unaffected.
 */
public final class ProtocolViolation extends RuntimeException {

    /** Set when the message exceeded the size limit, which gets an error of its own. */
    private final long sizeLimit;

    private ProtocolViolation(String message, long sizeLimit) {
        super(message, null, false, false);
        this.sizeLimit = sizeLimit;
    }

    static ProtocolViolation malformed(String message) {
        return new ProtocolViolation(message, -1);
    }

    static ProtocolViolation tooLarge(long limit) {
        return new ProtocolViolation("message longer than " + limit + " bytes", limit);
    }

    public boolean isTooLarge() {
        return sizeLimit >= 0;
    }

    public long sizeLimit() {
        return sizeLimit;
    }
}
