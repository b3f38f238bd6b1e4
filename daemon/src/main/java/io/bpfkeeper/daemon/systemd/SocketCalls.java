package io.bpfkeeper.daemon.systemd;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The libc socket calls behind sd_notify. The JDK has no AF_UNIX datagrams, and jnr-unixsocket's
 * datagram channel carries bytes only: the fd store needs SCM_RIGHTS, so messages go out through
 * {@code sendmsg} here.
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

    /** The process-wide instance. */
    SocketCalls INSTANCE = LibraryLoader.create(SocketCalls.class).load("c");

    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    /** errno of the calling thread's last {@link SaveError} call. */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
