package io.bpfkeeper.daemon.varlink;

/**
 * One reply message. {@code parameters} is anything Jackson can write as a JSON object: a record, a
 * Map or an ObjectNode.
 */
record VarlinkReply(Object parameters, boolean continues, String error) {

    static VarlinkReply of(Object parameters, boolean continues) {
        return new VarlinkReply(parameters, continues, null);
    }

    static VarlinkReply error(VarlinkError error) {
        return new VarlinkReply(error.parameters(), false, error.name());
    }
}
