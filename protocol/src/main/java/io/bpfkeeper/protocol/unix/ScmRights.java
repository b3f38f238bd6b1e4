package io.bpfkeeper.protocol.unix;

import java.lang.ref.Reference;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * {@code sendmsg} and {@code recvmsg} of bytes with file descriptors in SCM_RIGHTS, on one socket.
 * The msghdr, iovec and control buffer are allocated once, so that a connection that receives
 * through it on every read does not allocate per read. Not thread-safe: one per socket and thread.
 */
public final class ScmRights {

    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** SCM_MAX_FD: the kernel refuses a sendmsg with more fds. */
    public static final int KERNEL_MAX_FDS = 253;
    private static final int[] NONE = new int[0];

    private final int maxFds;
    private final Pointer header;
    private final Pointer iovec;
    private final Pointer control;
    private final int controlSize;
    private int[] received = NONE;
    private boolean truncated;

    /** @param maxFds the most fds a send carries, and the most a receive has room for */
    public ScmRights(int maxFds) {
        this.maxFds = maxFds;
        this.controlSize = MsgHdr.cmsgSpace(Integer.BYTES * maxFds);
        this.header = Memory.allocateDirect(SocketCalls.RUNTIME, MsgHdr.SIZE, true);
        this.iovec = Memory.allocateDirect(SocketCalls.RUNTIME, MsgHdr.IOVEC_SIZE, true);
        this.control = Memory.allocateDirect(SocketCalls.RUNTIME, controlSize, true);
        header.putAddress(MsgHdr.IOV, iovec.address());
        header.putLong(MsgHdr.IOV_LEN, 1);
    }

    /**
     * Sends {@code length} bytes from native memory at {@code address}, with {@code fds} attached to
     * the first of them. The caller keeps its fds: the peer gets its own.
     *
     * @param name a sockaddr for an unconnected datagram socket, or null
     * @return the bytes sent, or -errno
     */
    public long send(int socket, long address, long length, int[] fds, Pointer name, int nameLength, int flags) {
        if (fds.length > maxFds) {
            throw new IllegalArgumentException(fds.length + " fds, more than the " + maxFds + " this sender has room for");
        }
        iovec.putAddress(MsgHdr.IOVEC_BASE, address);
        iovec.putLong(MsgHdr.IOVEC_LENGTH, length);
        header.putAddress(MsgHdr.NAME, name == null ? 0 : name.address());
        header.putInt(MsgHdr.NAME_LEN, name == null ? 0 : nameLength);
        if (fds.length == 0) {
            header.putAddress(MsgHdr.CONTROL, 0);
            header.putLong(MsgHdr.CONTROL_LEN, 0);
        } else {
            int dataBytes = Integer.BYTES * fds.length;
            control.putLong(MsgHdr.CMSG_LEN, MsgHdr.cmsgLen(dataBytes));
            control.putInt(MsgHdr.CMSG_LEVEL, MsgHdr.SOL_SOCKET);
            control.putInt(MsgHdr.CMSG_TYPE, MsgHdr.SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.putInt(MsgHdr.CMSG_HEADER + (long) Integer.BYTES * i, fds[i]);
            }
            header.putAddress(MsgHdr.CONTROL, control.address());
            header.putLong(MsgHdr.CONTROL_LEN, MsgHdr.cmsgSpace(dataBytes));
        }
        try {
            long sent = SocketCalls.INSTANCE.sendmsg(socket, header, flags);
            return sent < 0 ? -SocketCalls.errno() : sent;
        } finally {
            // The header points at the name by address: jnr frees direct memory once its Pointer
            // is unreachable, so it must stay reachable until sendmsg returns.
            Reference.reachabilityFence(name);
        }
    }

    /**
     * Receives up to {@code length} bytes into native memory at {@code address}, with the fds that
     * came with them ({@link #receivedFds}), close-on-exec.
     *
     * @return the bytes received, 0 at the end of the stream, or -errno
     */
    public long receive(int socket, long address, long length, int flags) {
        iovec.putAddress(MsgHdr.IOVEC_BASE, address);
        iovec.putLong(MsgHdr.IOVEC_LENGTH, length);
        header.putAddress(MsgHdr.NAME, 0);
        header.putInt(MsgHdr.NAME_LEN, 0);
        header.putAddress(MsgHdr.CONTROL, control.address());
        // The kernel writes back how much of the control buffer it used.
        header.putLong(MsgHdr.CONTROL_LEN, controlSize);
        header.putInt(MsgHdr.FLAGS, 0);
        long got = SocketCalls.INSTANCE.recvmsg(socket, header, flags | MSG_CMSG_CLOEXEC);
        if (got < 0) {
            received = NONE;
            truncated = false;
            return -SocketCalls.errno();
        }
        received = fdsIn(header.getLong(MsgHdr.CONTROL_LEN));
        truncated = (header.getInt(MsgHdr.FLAGS) & MSG_CTRUNC) != 0;
        return got;
    }

    /** The fds of the last receive, now the caller's to close; empty when none came. */
    public int[] receivedFds() {
        return received;
    }

    /**
     * Whether the last receive lost control data, such as fds beyond the room there was: the kernel
     * closed those, and the message they came with is incomplete.
     */
    public boolean truncated() {
        return truncated;
    }

    private int[] fdsIn(long used) {
        if (used < MsgHdr.CMSG_HEADER) {
            return NONE;
        }
        int[] fds = NONE;
        for (long offset = 0; offset + MsgHdr.CMSG_HEADER <= used; ) {
            long cmsgLength = control.getLong(offset + MsgHdr.CMSG_LEN);
            if (cmsgLength < MsgHdr.CMSG_HEADER) {
                break;
            }
            if (control.getInt(offset + MsgHdr.CMSG_LEVEL) == MsgHdr.SOL_SOCKET
                    && control.getInt(offset + MsgHdr.CMSG_TYPE) == MsgHdr.SCM_RIGHTS) {
                int count = (int) (cmsgLength - MsgHdr.CMSG_HEADER) / Integer.BYTES;
                int[] more = new int[fds.length + count];
                System.arraycopy(fds, 0, more, 0, fds.length);
                for (int i = 0; i < count; i++) {
                    more[fds.length + i] = control.getInt(offset + MsgHdr.CMSG_HEADER + (long) Integer.BYTES * i);
                }
                fds = more;
            }
            offset += MsgHdr.cmsgSpace((int) cmsgLength - MsgHdr.CMSG_HEADER);
        }
        return fds;
    }
}
