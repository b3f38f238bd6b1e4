package io.bpfkeeper.daemon.systemd;

import java.nio.charset.StandardCharsets;
import io.bpfkeeper.protocol.unix.SocketCalls;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An AF_UNIX address as systemd spells it in NOTIFY_SOCKET: an absolute path, or "@name" for a
 * name in the abstract namespace.
 */
public record UnixAddress(String spelled) {

    /** sun_family (2 bytes), then sun_path (108 bytes). */
    private static final int SUN_PATH = 2;
    private static final int SUN_PATH_SIZE = 108;

    public UnixAddress {
        if (!spelled.startsWith("/") && !spelled.startsWith("@")) {
            throw new IllegalArgumentException("not an absolute path or an @abstract name: " + spelled);
        }
        // A path needs its terminating NUL; an abstract name has a leading NUL instead.
        if (spelled.getBytes(StandardCharsets.UTF_8).length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("longer than a socket address can be: " + spelled);
        }
    }

    /** struct sockaddr_un for this address; pass {@link #length()} with it. */
    public Pointer toSockaddr() {
        byte[] name = spelled.getBytes(StandardCharsets.UTF_8);
        Pointer address = Memory.allocateDirect(SocketCalls.RUNTIME, SUN_PATH + SUN_PATH_SIZE, true);
        address.putShort(0, (short) SocketCalls.AF_UNIX);
        // For "@name", the '@' position stays NUL: that is what makes the name abstract.
        int skip = isAbstract() ? 1 : 0;
        address.put(SUN_PATH + skip, name, skip, name.length - skip);
        return address;
    }

    /** The address length: abstract names count exactly their bytes, paths their terminating NUL too. */
    public int length() {
        int bytes = spelled.getBytes(StandardCharsets.UTF_8).length;
        return SUN_PATH + (isAbstract() ? bytes : bytes + 1);
    }

    private boolean isAbstract() {
        return spelled.startsWith("@");
    }

    @Override
    public String toString() {
        return spelled;
    }
}
