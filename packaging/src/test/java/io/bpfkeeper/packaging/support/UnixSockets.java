package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.systemd.UnixAddress;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.protocol.unix.ScmRights;
import io.bpfkeeper.protocol.unix.SocketCalls;
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
    /** systemd reads notifications of up to this size. */
    private static final int MESSAGE_SIZE = 4096;
    private static final int MAX_FDS = 16;

    /** The calls the daemon's SocketCalls lack, because only systemd's side needs them. */
    public interface Calls {
        @SaveError
        int bind(int fd, Pointer address, int length);

        @SaveError
        int listen(int fd, int backlog);

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
        ScmRights receiver = new ScmRights(MAX_FDS);
        long received;
        try {
            received = receiver.receive(FdNumbers.of(socket), data.address(), MESSAGE_SIZE, SocketCalls.MSG_DONTWAIT);
        } finally {
            Reference.reachabilityFence(data);
        }
        if (received == -Errno.EAGAIN) {
            return null;
        }
        if (received < 0) {
            throw new IllegalStateException("recvmsg: " + Errno.name((int) -received));
        }
        List<Fd> fds = new ArrayList<>();
        for (int fd : receiver.receivedFds()) {
            fds.add(Fd.adopt(fd));
        }
        if (receiver.truncated()) {
            fds.forEach(Fd::close);
            throw new IllegalStateException("a notification carried more than " + MAX_FDS + " fds");
        }
        byte[] text = new byte[(int) received];
        data.get(0, text, 0, text.length);
        return new Datagram(new String(text, StandardCharsets.UTF_8), fds);
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
