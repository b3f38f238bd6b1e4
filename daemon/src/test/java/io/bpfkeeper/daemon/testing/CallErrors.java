package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.protocol.client.VarlinkCallException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserting that a call fails with a given Varlink error. */
public final class CallErrors {

    private CallErrors() {
    }

    /** Runs the call, asserts it failed with {@code error}, and returns the failure for more checks. */
    public static VarlinkCallException expectError(String error, ThrowingCallable call) {
        VarlinkCallException failure = catchThrowableOfType(VarlinkCallException.class, call);
        assertThat(failure).as("the call should fail with " + error).isNotNull();
        assertThat(failure.error()).isEqualTo(error);
        return failure;
    }
}
