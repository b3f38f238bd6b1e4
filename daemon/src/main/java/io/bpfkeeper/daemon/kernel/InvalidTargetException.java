package io.bpfkeeper.daemon.kernel;

/**
 * What a program was to be attached to does not exist or is not what it must be: an unknown
 * network namespace or device, a directory outside cgroup v2, a function the kernel does not have.
 * Nothing was attached.
 */
public final class InvalidTargetException extends RuntimeException {

    private final String input;

    /** @param input the part of the target at fault, such as "interface" or "cgroup" */
    public InvalidTargetException(String input, String message) {
        super(message);
        this.input = input;
    }

    /** The part of the target at fault, such as "interface" or "cgroup". */
    public String input() {
        return input;
    }
}
