package io.bpfkeeper.daemon.kernel;

/** Wrapping fds of unknown kind that came from outside: a pin, an id, systemd's fd store. */
public final class KernelObjects {

    private KernelObjects() {
    }

    /**
     * Takes ownership of {@code fd} and wraps it as a map or a program. Returns null, having closed
     * the fd, when it refers to anything else.
     */
    public static KernelObject wrapMapOrProgram(Fd fd) {
        ObjectIdentity identity;
        try {
            identity = ObjectIdentity.of(fd);
        } catch (BpfException e) {
            fd.close();
            throw e;
        }
        if (identity != null && identity.kind() == ObjectKind.MAP) {
            return BpfMap.wrap(fd);
        }
        if (identity != null && identity.kind() == ObjectKind.PROGRAM) {
            return BpfProgram.wrap(fd);
        }
        fd.close();
        return null;
    }
}
