package io.bpfkeeper.protocol.unix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The libc socket calls that the JDK lacks: AF_UNIX datagrams (sd_notify), and {@code sendmsg} and
 * {@code recvmsg} with SCM_RIGHTS (systemd's fd store, fds on a Varlink connection). jnr-unixsocket's
 * channels carry bytes only.
 */
public interface SocketCalls {

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    /** A manager that went away must not kill the daemon with SIGPIPE. */
    int MSG_NOSIGNAL = 0x4000;
    int MSG_DONTWAIT = 0x40;

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    long sendmsg(int fd, Pointer message, int flags);

    @SaveError
    long recvmsg(int fd, Pointer message, int flags);

    @SaveError
    int close(int fd);

    /** The process-wide instance. */
    SocketCalls INSTANCE = LibraryLoader.create(SocketCalls.class).load("c");

    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    /** errno of the calling thread's last {@link SaveError} call. */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
