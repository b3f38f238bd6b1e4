package io.bpfkeeper.daemon.kernel.netlink;

import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.AF_NETLINK;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.MSG_PEEK;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.MSG_TRUNC;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NETLINK_ROUTE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSGERR_ERROR;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_DONE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_ERROR;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_FLAGS;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_HDRLEN;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_LEN;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_SEQ;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLMSG_TYPE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLM_F_DUMP;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLM_F_REQUEST;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.SOCK_CLOEXEC;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.SOCK_RAW;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.align;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A NETLINK_ROUTE socket: the kernel's interface to network devices and tc, which libbpf 1.1 uses
 * for one filter at a time but never to list them. The socket belongs to the network namespace of
 * the thread that opens it, and speaks for that namespace from any thread afterwards.
 *
 * <p>It makes dumps: one request with NLM_F_DUMP, which the kernel answers with as many datagrams
 * as the objects need ("multi-part"), each holding whole messages, until a message of type
 * NLMSG_DONE; a request that fails is answered by NLMSG_ERROR instead. One dump at a time, read to
 * its end before the next; not thread-safe.
 */
public final class RouteNetlink implements AutoCloseable {

    /**
     * The kernel fills a dump's datagrams up to what the reader took last time, at most 32 KiB, so
     * this usually fits them all. One device with many attributes can need more, so each datagram's
     * size is peeked at first, and the buffer grows to take it whole: a truncated datagram is lost.
     */
    private static final int INITIAL_RECEIVE_BUFFER = 32 * 1024;

    private final Fd socket;
    private NativeBuffer received = NativeBuffer.allocate(INITIAL_RECEIVE_BUFFER);
    private int receivedCapacity = INITIAL_RECEIVE_BUFFER;
    private byte[] datagram = new byte[INITIAL_RECEIVE_BUFFER];
    private int sequence;

    private RouteNetlink(Fd socket) {
        this.socket = socket;
    }

    /** A socket of the calling thread's network namespace. */
    public static RouteNetlink open() {
        int fd = LibC.INSTANCE.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new BpfException("socket(AF_NETLINK, NETLINK_ROUTE)", LibC.errno());
        }
        return Fd.adopt(fd).into(RouteNetlink::new);
    }

    /**
     * Asks for every object that {@code header} selects and calls {@code each} with every message
     * of the answer but the closing NLMSG_DONE.
     *
     * @param operation names the request in errors, such as "RTM_GETLINK dump"
     * @param requestType such as RTM_GETLINK
     * @param header the struct that follows nlmsghdr in the request, such as struct tcmsg, which
     *     says which objects: a device's filters under one parent, say
     * @throws BpfException with the kernel's errno when it refuses the request
     */
    void dump(String operation, int requestType, ByteBuffer header, Consumer<NetlinkMessage> each) {
        int dumpSequence = ++sequence;
        send(operation, request(requestType, dumpSequence, header));
        while (true) {
            ByteBuffer bytes = receive(operation);
            int offset = 0;
            while (offset + NLMSG_HDRLEN <= bytes.limit()) {
                int length = bytes.getInt(offset + NLMSG_LEN);
                if (length < NLMSG_HDRLEN || offset + length > bytes.limit()) {
                    throw new IllegalStateException(operation + ": malformed netlink message of " + length
                            + " bytes at " + offset + " of a " + bytes.limit() + "-byte datagram");
                }
                int type = Short.toUnsignedInt(bytes.getShort(offset + NLMSG_TYPE));
                // Anything else answers an earlier request that was not read to its end.
                if (bytes.getInt(offset + NLMSG_SEQ) == dumpSequence) {
                    if (type == NLMSG_DONE || type == NLMSG_ERROR) {
                        // Both carry an int: 0, or the negative errno that ended the request.
                        int error = length >= NLMSG_HDRLEN + Integer.BYTES
                                ? bytes.getInt(offset + NLMSG_HDRLEN + NLMSGERR_ERROR) : 0;
                        if (error < 0) {
                            throw new BpfException(operation, -error);
                        }
                        return;
                    }
                    each.accept(new NetlinkMessage(type, bytes, offset + NLMSG_HDRLEN, offset + length));
                }
                offset += align(length);
            }
        }
    }

    /** struct nlmsghdr, then the request's header. The kernel fills in our port id. */
    private static ByteBuffer request(int requestType, int requestSequence, ByteBuffer header) {
        ByteBuffer request = ByteBuffer.allocate(NLMSG_HDRLEN + align(header.remaining()))
                .order(ByteOrder.nativeOrder());
        request.putInt(NLMSG_LEN, request.capacity());
        request.putShort(NLMSG_TYPE, (short) requestType);
        request.putShort(NLMSG_FLAGS, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        request.putInt(NLMSG_SEQ, requestSequence);
        request.put(NLMSG_HDRLEN, header, header.position(), header.remaining());
        return request;
    }

    /** One datagram to the kernel, which an unconnected netlink socket sends to by default. */
    private void send(String operation, ByteBuffer request) {
        try (NativeBuffer buffer = NativeBuffer.copyOf(request.array()); Fd.Lease lease = socket.lease()) {
            long sent;
            do {
                sent = LibC.INSTANCE.send(lease.number(), buffer.pointer(), request.capacity(), 0);
            } while (sent < 0 && LibC.errno() == Errno.EINTR);
            if (sent < 0) {
                throw new BpfException(operation + ": send", LibC.errno());
            }
        }
    }

    /** The next datagram, whole, in host byte order as netlink is; valid until the next receive. */
    private ByteBuffer receive(String operation) {
        long size = recv(operation, MSG_PEEK | MSG_TRUNC);
        if (size > receivedCapacity) {
            received.close();
            received = NativeBuffer.allocate(size);
            receivedCapacity = (int) size;
            datagram = new byte[receivedCapacity];
        }
        int length = (int) recv(operation, 0);
        received.pointer().get(0, datagram, 0, length);
        return ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
    }

    private long recv(String operation, int flags) {
        long size;
        try (Fd.Lease lease = socket.lease()) {
            do {
                size = LibC.INSTANCE.recv(lease.number(), received.pointer(), receivedCapacity, flags);
            } while (size < 0 && LibC.errno() == Errno.EINTR);
        }
        if (size < 0) {
            throw new BpfException(operation + ": recv", LibC.errno());
        }
        return size;
    }

    @Override
    public void close() {
        received.close();
        socket.close();
    }
}
