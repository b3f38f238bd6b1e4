package io.bpfkeeper.daemon.kernel;

/** Names and descriptions of Linux errno values, as the kernel headers spell them. */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;
    public static final int ETIMEDOUT = 110;
    /** The kernel-internal "not supported" that bpf() leaks to user space for some map operations. */
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    /** "EPERM", "ENOTSUPP", or "E<number>" for values without a name. */
    public static String name(int errno) {
        switch (errno) {
            case EOPNOTSUPP:
                return "EOPNOTSUPP"; // jnr-constants calls it ENOTSUP; the kernel headers do not
            case ENOTSUPP:
                return "ENOTSUPP";
            default:
                jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
                return known.defined() ? known.name() : "E" + errno;
        }
    }

    /** strerror(3)'s text. */
    public static String description(int errno) {
        if (errno == ENOTSUPP) {
            return "Operation is not supported";
        }
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        return known.defined() ? known.description() : "Unknown error " + errno;
    }
}
