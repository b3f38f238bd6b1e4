package io.bpfkeeper.daemon.kernel;

/**
 * What a program was to be attached to does not exist or is not what it must be: an unknown
 * network namespace or device, a directory outside cgroup v2, a function the kernel does not have.
 * Nothing was attached.
 */
public final class InvalidTargetException extends RuntimeException {

    private final Part part;

    public InvalidTargetException(Part part, String message) {
        super(message);
        this.part = part;
    }

    /** The part of the target at fault, such as the interface or the cgroup. */
    public Part part() {
        return part;
    }
}
