package io.bpfkeeper.protocol.unix;

/**
 * Offsets of struct msghdr, struct iovec and struct cmsghdr on x86-64 Linux, for sendmsg and
 * recvmsg with SCM_RIGHTS. The kernel layer's code assumes x86-64 the same way.
 */
public final class MsgHdr {

    public static final int SIZE = 56;
    public static final int NAME = 0;
    public static final int NAME_LEN = 8;
    public static final int IOV = 16;
    public static final int IOV_LEN = 24;
    public static final int CONTROL = 32;
    public static final int CONTROL_LEN = 40;
    public static final int FLAGS = 48;

    public static final int IOVEC_SIZE = 16;
    public static final int IOVEC_BASE = 0;
    public static final int IOVEC_LENGTH = 8;

    /** cmsg_len (size_t), cmsg_level (int), cmsg_type (int), then the data, 8-byte aligned. */
    public static final int CMSG_HEADER = 16;
    public static final int CMSG_LEN = 0;
    public static final int CMSG_LEVEL = 8;
    public static final int CMSG_TYPE = 12;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;

    private MsgHdr() {
    }

    /** CMSG_LEN: the cmsg_len of a control message with {@code dataBytes} of data. */
    public static int cmsgLen(int dataBytes) {
        return CMSG_HEADER + dataBytes;
    }

    /** CMSG_SPACE: the room a control message with {@code dataBytes} of data takes. */
    public static int cmsgSpace(int dataBytes) {
        return CMSG_HEADER + ((dataBytes + 7) & ~7);
    }
}
