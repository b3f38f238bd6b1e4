package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.protocol.unix.ScmRights;
import io.bpfkeeper.protocol.unix.SocketCalls;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify: one datagram of "KEY=VALUE" lines to the socket named in NOTIFY_SOCKET, optionally with
 * one fd in SCM_RIGHTS. Without NOTIFY_SOCKET every call does nothing, so callers need not care
 * whether systemd runs them. Thread-safe: each message is a single sendmsg.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final UnixAddress address;
    private final Fd socket;

    private Notifier(UnixAddress address, Fd socket) {
        this.address = address;
        this.socket = socket;
    }

    /** A notifier for NOTIFY_SOCKET, or a silent one when it is unset or unusable. */
    public static Notifier fromEnvironment(Map<String, String> environment) {
        String spelled = environment.get("NOTIFY_SOCKET");
        if (spelled == null || spelled.isEmpty()) {
            return new Notifier(null, null);
        }
        UnixAddress address;
        try {
            address = new UnixAddress(spelled);
        } catch (IllegalArgumentException e) {
            log.warn("NOTIFY_SOCKET is unusable ({}); systemd will hear nothing from this daemon", e.getMessage());
            return new Notifier(null, null);
        }
        int raw = SocketCalls.INSTANCE.socket(SocketCalls.AF_UNIX, SocketCalls.SOCK_DGRAM | SocketCalls.SOCK_CLOEXEC, 0);
        if (raw < 0) {
            log.warn("cannot create a socket for NOTIFY_SOCKET: {}; systemd will hear nothing from this daemon",
                    Errno.name(SocketCalls.errno()));
            return new Notifier(null, null);
        }
        return new Notifier(address, Fd.adopt(raw));
    }

    /** Whether a service manager listens: NOTIFY_SOCKET was set and usable. */
    public boolean connected() {
        return address != null;
    }

    /** Sends {@code message}, such as "READY=1\nSTATUS=serving". Returns false when it was not delivered. */
    public boolean send(String message) {
        return send(message, null);
    }

    /**
     * Sends {@code message} with a copy of {@code fd} attached, as FDSTORE=1 needs. The caller keeps
     * its own fd. Returns false when it was not delivered.
     */
    public boolean send(String message, Fd fd) {
        if (address == null) {
            return false;
        }
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        Pointer payload = Memory.allocateDirect(SocketCalls.RUNTIME, Math.max(1, text.length), false);
        payload.put(0, text, 0, text.length);
        long sent;
        try (Fd.Lease passed = fd == null ? null : fd.lease(); Fd.Lease sender = socket.lease()) {
            int[] fds = passed == null ? new int[0] : new int[] {passed.number()};
            sent = new ScmRights(1).send(sender.number(), payload.address(), text.length, fds, address.toSockaddr(),
                    address.length(), SocketCalls.MSG_NOSIGNAL);
        } finally {
            // Passed by address: jnr frees direct memory once its Pointer is unreachable.
            Reference.reachabilityFence(payload);
        }
        if (sent < 0) {
            log.warn("systemd did not take the notification {}: sendmsg to {}: {}", firstLine(message), address,
                    Errno.name((int) -sent));
            return false;
        }
        return true;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
