package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.protocol.client.VarlinkClient;
import java.nio.file.Path;

/**
 * Connects to a daemon as another user, so that SO_PEERCRED reports that user's uid and gid.
 *
 * <p>The kernel records the connecting task's effective ids at connect time. Credentials on Linux
 * belong to each thread, and the raw setresuid/setresgid syscalls (unlike glibc's wrappers) change
 * only the calling thread, so this thread borrows the other ids for the connect and takes its own
 * back at once. The socket must be open to that user ({@link TestDaemon#openSocketToEveryone()}).
 */
public final class OtherUser {

    public static final int NOBODY = 65534;
    private static final long SYS_SETRESUID = 117;
    private static final long SYS_SETRESGID = 119;
    private static final long UNCHANGED = -1;

    private OtherUser() {
    }

    /** A client connection whose peer credentials are uid and gid {@code id}. */
    public static synchronized VarlinkClient connect(Path socket, int id) {
        // Load the client's classes while still root: the jars may be unreadable to the other user.
        VarlinkClient.connect(socket).close();
        setEffective(SYS_SETRESGID, id);
        setEffective(SYS_SETRESUID, id);
        try {
            return VarlinkClient.connect(socket);
        } finally {
            setEffective(SYS_SETRESUID, 0);
            setEffective(SYS_SETRESGID, 0);
        }
    }

    private static void setEffective(long syscall, int id) {
        if (LibC.INSTANCE.syscall(syscall, UNCHANGED, id, UNCHANGED) != 0) {
            throw new IllegalStateException("set effective id " + id + ": errno " + LibC.errno());
        }
    }
}
