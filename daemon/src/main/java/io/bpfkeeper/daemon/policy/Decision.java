package io.bpfkeeper.daemon.policy;

/** What {@link Policy#decide} says about a request. */
public sealed interface Decision {

    Decision ALLOW = new Allow();

    record Allow() implements Decision {
    }

    /**
     * @param what what was refused, in words
     * @param refusedBy the rule or default that decided it, such as {@code the default policy}
     * @param grant the grant that would allow it, such as {@code programTypes: [tracepoint]}
     * @param reason a short fixed name of the grant, for the metric's label
     */
    record Deny(String what, String refusedBy, String grant, String reason) implements Decision {

        public String message() {
            return what + ": " + refusedBy + " does not allow it; a rule granting " + grant
                    + " to this user or one of its groups would";
        }
    }
}
