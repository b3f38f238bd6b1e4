package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.systemd.MsgHdr;
import io.bpfkeeper.daemon.systemd.SocketCalls;
import io.bpfkeeper.daemon.systemd.UnixAddress;
import io.bpfkeeper.daemon.testing.FdNumbers;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/**
 * The sockets systemd holds for a service, made the way systemd makes them: a listening AF_UNIX
 * stream socket for socket activation, and an AF_UNIX datagram socket that receives sd_notify
 * messages and the fds that come with them.
 */
public final class UnixSockets {

    private static final int BACKLOG = 128;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MSG_CTRUNC = 0x8;
    /** systemd reads notifications of up to this size. */
    private static final int MESSAGE_SIZE = 4096;
    private static final int MAX_FDS = 16;

    /** The calls the daemon's SocketCalls lack, because only systemd's side needs them. */
    public interface Calls {
        @SaveError
        int bind(int fd, Pointer address, int length);

        @SaveError
        int listen(int fd, int backlog);

        @SaveError
        long recvmsg(int fd, Pointer message, int flags);

        Calls INSTANCE = LibraryLoader.create(Calls.class).load("c");
    }

    /** One datagram: its text and the fds that came with it, which the receiver now owns. */
    public record Datagram(String text, List<Fd> fds) {
    }

    private UnixSockets() {
    }

    /** A socket listening at {@code path}, as a .socket unit's ListenStream= makes it. */
    public static Fd listen(Path path) {
        Fd socket = open(SocketCalls.SOCK_STREAM);
        bind(socket, path);
        if (Calls.INSTANCE.listen(FdNumbers.of(socket), BACKLOG) < 0) {
            throw failure("listen", path, socket);
        }
        return socket;
    }

    /** A datagram socket bound at {@code path}, as systemd's notification socket. */
    public static Fd datagram(Path path) {
        Fd socket = open(SocketCalls.SOCK_DGRAM);
        bind(socket, path);
        return socket;
    }

    /** The next datagram waiting on {@code socket}, or null when none is waiting. */
    public static Datagram receive(Fd socket) {
        Pointer data = Memory.allocateDirect(SocketCalls.RUNTIME, MESSAGE_SIZE, true);
        Pointer iovec = Memory.allocateDirect(SocketCalls.RUNTIME, MsgHdr.IOVEC_SIZE, true);
        iovec.putAddress(MsgHdr.IOVEC_BASE, data.address());
        iovec.putLong(MsgHdr.IOVEC_LENGTH, MESSAGE_SIZE);
        int controlSize = MsgHdr.cmsgSpace(Integer.BYTES * MAX_FDS);
        Pointer control = Memory.allocateDirect(SocketCalls.RUNTIME, controlSize, true);
        Pointer header = Memory.allocateDirect(SocketCalls.RUNTIME, MsgHdr.SIZE, true);
        header.putAddress(MsgHdr.IOV, iovec.address());
        header.putLong(MsgHdr.IOV_LEN, 1);
        header.putAddress(MsgHdr.CONTROL, control.address());
        header.putLong(MsgHdr.CONTROL_LEN, controlSize);
        long received;
        try {
            received = Calls.INSTANCE.recvmsg(FdNumbers.of(socket), header, SocketCalls.MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        } finally {
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(iovec);
            Reference.reachabilityFence(control);
        }
        if (received < 0) {
            int errno = SocketCalls.errno();
            if (errno == Errno.EAGAIN) {
                return null;
            }
            throw new IllegalStateException("recvmsg: " + Errno.name(errno));
        }
        List<Fd> fds = receivedFds(control, header.getLong(MsgHdr.CONTROL_LEN));
        if ((header.getInt(MsgHdr.FLAGS) & MSG_CTRUNC) != 0) {
            fds.forEach(Fd::close);
            throw new IllegalStateException("a notification carried more than " + MAX_FDS + " fds");
        }
        byte[] text = new byte[(int) received];
        data.get(0, text, 0, text.length);
        return new Datagram(new String(text, StandardCharsets.UTF_8), fds);
    }

    private static List<Fd> receivedFds(Pointer control, long length) {
        List<Fd> fds = new ArrayList<>();
        for (long offset = 0; offset + MsgHdr.CMSG_HEADER <= length; ) {
            long cmsgLength = control.getLong(offset + MsgHdr.CMSG_LEN);
            if (cmsgLength < MsgHdr.CMSG_HEADER) {
                break;
            }
            if (control.getInt(offset + MsgHdr.CMSG_LEVEL) == MsgHdr.SOL_SOCKET
                    && control.getInt(offset + MsgHdr.CMSG_TYPE) == MsgHdr.SCM_RIGHTS) {
                for (long at = MsgHdr.CMSG_HEADER; at + Integer.BYTES <= cmsgLength; at += Integer.BYTES) {
                    fds.add(Fd.adopt(control.getInt(offset + at)));
                }
            }
            offset += MsgHdr.cmsgSpace((int) cmsgLength - MsgHdr.CMSG_HEADER);
        }
        return fds;
    }

    private static Fd open(int type) {
        int raw = SocketCalls.INSTANCE.socket(SocketCalls.AF_UNIX, type | SocketCalls.SOCK_CLOEXEC, 0);
        if (raw < 0) {
            throw new IllegalStateException("socket: " + Errno.name(SocketCalls.errno()));
        }
        return Fd.adopt(raw);
    }

    private static void bind(Fd socket, Path path) {
        UnixAddress address = new UnixAddress(path.toAbsolutePath().toString());
        Pointer sockaddr = address.toSockaddr();
        int result = Calls.INSTANCE.bind(FdNumbers.of(socket), sockaddr, address.length());
        Reference.reachabilityFence(sockaddr);
        if (result < 0) {
            throw failure("bind", path, socket);
        }
    }

    /** Reads errno, then closes the socket: close may change errno. */
    private static IllegalStateException failure(String call, Path path, Fd socket) {
        IllegalStateException failure = new IllegalStateException(
                call + " " + path + ": " + Errno.name(SocketCalls.errno()));
        socket.close();
        return failure;
    }
}
