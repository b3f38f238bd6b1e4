package io.bpfkeeper.daemon.kernel.netlink;

import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLA_HDRLEN;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLA_LEN;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLA_TYPE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.NLA_TYPE_MASK;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.align;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A run of netlink attributes (struct nlattr, or rtattr: a 16-bit length that counts its own
 * 4-byte header, a 16-bit type, then the value, padded to 4 bytes) in a received datagram: those
 * after a message's fixed header, or those nested in one attribute's value. An attribute whose
 * length runs past the run ends it, as the kernel's nla_ok() does.
 */
final class Attributes {

    private final ByteBuffer bytes;
    private final int start;
    private final int end;

    Attributes(ByteBuffer bytes, int start, int end) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
    }

    /** The first attribute of this type; attributes that the kernel does not send are absent. */
    Optional<Attribute> get(int type) {
        int offset = start;
        while (offset + NLA_HDRLEN <= end) {
            int length = Short.toUnsignedInt(bytes.getShort(offset + NLA_LEN));
            if (length < NLA_HDRLEN || offset + length > end) {
                break;
            }
            if ((bytes.getShort(offset + NLA_TYPE) & NLA_TYPE_MASK) == type) {
                return Optional.of(new Attribute(bytes, offset + NLA_HDRLEN, length - NLA_HDRLEN));
            }
            offset += align(length);
        }
        return Optional.empty();
    }

    /** One attribute's value. */
    record Attribute(ByteBuffer bytes, int start, int length) {

        /** A u32 value, in host byte order. */
        int u32() {
            if (length < Integer.BYTES) {
                throw new IllegalStateException("netlink attribute of " + length + " bytes where a u32 belongs");
            }
            return bytes.getInt(start);
        }

        /** A NUL-terminated string value (NLA_STRING), without its NUL. */
        String string() {
            int stringEnd = start;
            while (stringEnd < start + length && bytes.get(stringEnd) != 0) {
                stringEnd++;
            }
            byte[] raw = new byte[stringEnd - start];
            bytes.get(start, raw);
            return new String(raw, StandardCharsets.UTF_8);
        }

        /** The attributes nested in this one (NLA_NESTED). */
        Attributes nested() {
            return new Attributes(bytes, start, start + length);
        }
    }
}
