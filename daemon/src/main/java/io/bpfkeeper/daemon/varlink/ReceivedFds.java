package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.kernel.Fd;
import java.util.List;

/**
 * The fds that one read of a connection brought, owned at once. They belong to the message whose
 * first byte is the read's first byte, as in systemd's sd-varlink: a client sends a message's fds
 * with the {@code sendmsg} of its first byte.
 *
 * @param truncated the kernel had more for this read than there was room for, and closed the rest
 */
public record ReceivedFds(List<Fd> fds, boolean truncated) {

    /** The most fds that one message may carry; a read has room for no more. */
    public static final int MAX_PER_MESSAGE = 8;

    public ReceivedFds {
        fds = List.copyOf(fds);
    }

    void close() {
        fds.forEach(Fd::close);
    }
}
