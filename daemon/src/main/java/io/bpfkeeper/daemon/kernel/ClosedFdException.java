package io.bpfkeeper.daemon.kernel;

/**
 * An fd was used after its owner closed it: for an owned object, another call released the object
 * while this one was about to use it.
 */
public final class ClosedFdException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ClosedFdException() {
        super("file descriptor already closed");
    }
}
