package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code io.bpfkeeper.test.Wait}, a call that holds a worker thread until the test opens the gate,
 * so that a test can have a slow call in flight for as long as it needs. Closing the gate opens it,
 * so that no failed test leaves a worker waiting.
 */
final class Gate implements AutoCloseable {

    static final String WAIT = "io.bpfkeeper.test.Wait";

    private static final InterfaceDefinition DEFINITION =
            IdlResources.definition(Gate.class, "io.bpfkeeper.test.varlink");
    private static final long DEADLINE_SECONDS = 30;

    private final CountDownLatch waiting = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    static InterfaceDefinition definition() {
        return DEFINITION;
    }

    VarlinkInterface varlinkInterface() {
        return new VarlinkInterface(DEFINITION, List.of(Method.onWorker("Wait", call -> {
            waiting.countDown();
            if (!opened.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            call.reply(Map.of());
        })));
    }

    /** Returns once a Wait call holds a worker thread. */
    void awaitWaiter() throws InterruptedException {
        if (!waiting.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("no Wait call reached a worker thread");
        }
    }

    void open() {
        opened.countDown();
    }

    @Override
    public void close() {
        open();
    }
}
