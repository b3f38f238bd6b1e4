package io.bpfkeeper.packaging.soak;

/**
 * What one step of a soak client sends: a call on the contract, or one way of breaking it. The
 * weight is how often, relative to the others: valid calls make the objects the hostile ones aim at.
 */
enum Hostility {
    /** A call on the contract, answered and awaited. */
    VALID(10),
    /** A field of a JSON type its declaration refuses. */
    WRONG_TYPE(1),
    /** A required field left out. */
    MISSING_FIELD(1),
    /** A field the method does not have, such as a {@code fileDescriptor} index. */
    UNKNOWN_FIELD(1),
    /** A string field of 64 KiB to 17 MiB, past the message size limit at the top. */
    HUGE_STRING(1),
    /** Parameters nested thousands of arrays deep. */
    DEEP_NESTING(1),
    /** A string with bytes that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate. */
    BAD_UTF8(1),
    /** A NUL byte inside a string, which ends the message there, and an escaped one. */
    NUL_BYTE(1),
    /** Fds sent with a call (SCM_RIGHTS), up to more than the daemon takes, to a method that takes none. */
    PASSED_FDS(1),
    /** Several calls written at once before any reply is read. */
    PIPELINED(3),
    /** A call that asks for no reply. */
    ONEWAY(1),
    /** A call that asks for more replies, of any method. */
    MORE(1),
    /** Part of a call, then the connection closed. */
    DROPPED_MID_MESSAGE(1),
    /** Bytes that are no call: an unknown method or interface, not JSON, not an object. */
    NOT_A_CALL(1);

    private final int weight;

    Hostility(int weight) {
        this.weight = weight;
    }

    private static final Hostility[] WEIGHTED = java.util.Arrays.stream(values())
            .flatMap(kind -> java.util.stream.Stream.generate(() -> kind).limit(kind.weight))
            .toArray(Hostility[]::new);

    static Hostility pick(java.util.SplittableRandom random) {
        return WEIGHTED[random.nextInt(WEIGHTED.length)];
    }
}
