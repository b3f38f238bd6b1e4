package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.ClosedFdException;
import io.bpfkeeper.daemon.kernel.libbpf.ElfObjectException;
import io.bpfkeeper.daemon.registry.SessionClosedException;
import io.bpfkeeper.daemon.varlink.ErrorTranslator;
import io.bpfkeeper.daemon.varlink.ProtocolViolation;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How failures look on the wire: kernel errors with errno and hint, everything else as InternalError. */
final class ErrorMapping implements ErrorTranslator {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    @Override
    public VarlinkError translate(Throwable failure) {
        if (failure instanceof BpfException) {
            return ApiErrors.kernel((BpfException) failure);
        }
        if (failure instanceof ElfObjectException) {
            return ApiErrors.invalidObject((ElfObjectException) failure);
        }
        if (failure instanceof ProtocolViolation) {
            ProtocolViolation violation = (ProtocolViolation) failure;
            return violation.isTooLarge() ? ApiErrors.messageTooLarge(violation.sizeLimit())
                    : ApiErrors.protocolViolation(violation.getMessage());
        }
        if (failure instanceof ClosedFdException) {
            return ApiErrors.invalidArgument("id", "the object was released while this call was using it");
        }
        if (failure instanceof SessionClosedException) {
            return ApiErrors.internal(failure.getMessage());
        }
        if (failure instanceof RejectedExecutionException) {
            return ApiErrors.internal("the daemon is shutting down");
        }
        log.error("unexpected failure in a call", failure);
        return ApiErrors.internal("unexpected " + failure.getClass().getSimpleName() + ": " + failure.getMessage()
                + " (details in the daemon log)");
    }
}
