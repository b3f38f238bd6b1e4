package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.kernel.Fd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * An encoded message and the fds that go with its first byte. It owns the fds until they are sent,
 * and closes them when it is released unsent, as a closed connection releases what it could not
 * write.
 */
public final class OutgoingWithFds extends DefaultByteBufHolder {

    private List<Fd> fds;

    OutgoingWithFds(ByteBuf bytes, List<Fd> fds) {
        super(bytes);
        this.fds = List.copyOf(fds);
    }

    /** Runs {@code send} with the numbers of the fds to send, each leased until it returns. */
    public synchronized long sendWithFds(ToLongFunction<int[]> send) {
        List<Fd.Lease> leases = new ArrayList<>();
        try {
            for (Fd fd : fds) {
                leases.add(fd.lease());
            }
            return send.applyAsLong(leases.stream().mapToInt(Fd.Lease::number).toArray());
        } finally {
            leases.forEach(Fd.Lease::close);
        }
    }

    /** Once sent, the peer has its own copies; unsent, nobody gets them. */
    public synchronized void closeFds() {
        fds.forEach(Fd::close);
        fds = List.of();
    }

    @Override
    public boolean release() {
        return closeIfFreed(super.release());
    }

    @Override
    public boolean release(int decrement) {
        return closeIfFreed(super.release(decrement));
    }

    private boolean closeIfFreed(boolean freed) {
        if (freed) {
            closeFds();
        }
        return freed;
    }
}
