package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A call's parameters as the decoder hands them on: a JSON tree, which the server checks against
 * the IDL before the handler runs, or, for a method with a {@link ParameterReader}, what that reader
 * made of them, or the error it refused them with.
 */
public sealed interface CallParameters {

    /** The parameters as a JSON tree: an empty object when the call had none or null. */
    record Tree(ObjectNode node) implements CallParameters {
    }

    /** What the method's reader made of the parameters; it checked them against the IDL as it read. */
    record Read(Object value) implements CallParameters {
    }

    /** The method's reader refused the parameters: the call fails with this InvalidParameter. */
    record Refused(VarlinkError error) implements CallParameters {
    }
}
