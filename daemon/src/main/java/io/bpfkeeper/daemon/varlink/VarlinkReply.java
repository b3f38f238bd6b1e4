package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.kernel.Fd;
import java.util.List;

/**
 * One reply message. {@code parameters} is anything Jackson can write as a JSON object: a record, a
 * Map or an ObjectNode.
 *
 * @param fds sent with the reply's first byte, which owns them until then; usually none
 */
record VarlinkReply(Object parameters, boolean continues, String error, List<Fd> fds) {

    static VarlinkReply of(Object parameters, boolean continues) {
        return new VarlinkReply(parameters, continues, null, List.of());
    }

    static VarlinkReply withFds(Object parameters, boolean continues, List<Fd> fds) {
        return new VarlinkReply(parameters, continues, null, List.copyOf(fds));
    }

    static VarlinkReply error(VarlinkError error) {
        return new VarlinkReply(error.parameters(), false, error.name(), List.of());
    }
}
