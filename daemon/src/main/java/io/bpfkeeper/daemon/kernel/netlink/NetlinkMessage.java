package io.bpfkeeper.daemon.kernel.netlink;

import java.nio.ByteBuffer;

/**
 * One message of an answer, after its struct nlmsghdr: the fixed header of its type (such as struct
 * tcmsg), then attributes, in the received datagram.
 *
 * @param type nlmsg_type, such as RTM_NEWTFILTER
 * @param payloadStart where the fixed header starts in {@code bytes}
 * @param end where the message ends in {@code bytes}
 */
record NetlinkMessage(int type, ByteBuffer bytes, int payloadStart, int end) {

    /** A u32 of the fixed header, at {@code offset} from its start. */
    int u32(int offset) {
        if (payloadStart + offset + Integer.BYTES > end) {
            throw new IllegalStateException("netlink message of type " + type + " is too short for its header");
        }
        return bytes.getInt(payloadStart + offset);
    }

    /** The attributes after a fixed header of {@code fixedHeaderSize} bytes. */
    Attributes attributes(int fixedHeaderSize) {
        return new Attributes(bytes, payloadStart + NetlinkLayout.align(fixedHeaderSize), end);
    }
}
