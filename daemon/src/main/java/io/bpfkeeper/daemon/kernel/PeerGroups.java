package io.bpfkeeper.daemon.kernel;

/**
 * The supplementary groups of a Unix socket's peer as they were when it connected
 * ({@code SO_PEERGROUPS}, Linux 4.13), which SO_PEERCRED leaves out.
 */
public final class PeerGroups {

    private static final long SYS_GETSOCKOPT = 55;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERGROUPS = 59;
    /** NGROUPS_MAX is 65536; a first try this big fits every real user. */
    private static final int FIRST_TRY = 256;

    private PeerGroups() {
    }

    /** @param socket a connected Unix socket, borrowed */
    public static int[] of(int socket) {
        int capacity = FIRST_TRY;
        while (true) {
            try (NativeBuffer groups = NativeBuffer.allocate(capacity * 4L); NativeBuffer length = NativeBuffer.allocate(4)) {
                length.pointer().putInt(0, capacity * 4);
                long result = LibC.INSTANCE.syscall(SYS_GETSOCKOPT, socket, SOL_SOCKET, SO_PEERGROUPS,
                        groups.address(), length.address(), 0);
                int bytes = length.pointer().getInt(0);
                if (result == 0) {
                    int[] ids = new int[bytes / 4];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = groups.pointer().getInt(i * 4L);
                    }
                    return ids;
                }
                if (LibC.errno() != Errno.ERANGE || bytes <= capacity * 4) {
                    throw new BpfException("getsockopt SO_PEERGROUPS", LibC.errno());
                }
                capacity = bytes / 4;
            }
        }
    }
}
