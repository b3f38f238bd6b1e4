package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.util.List;
import java.util.Map;

/** {@code io.bpfkeeper.test}: methods that take their time or misbehave on purpose. */
final class TestInterface {

    static final String WAIT = "io.bpfkeeper.test.Wait";

    private static final InterfaceDefinition DEFINITION =
            IdlResources.definition(TestInterface.class, "io.bpfkeeper.test.varlink");

    private TestInterface() {
    }

    static InterfaceDefinition definition() {
        return DEFINITION;
    }

    /** @param gate where Wait and FailWhenClientGone calls wait, on a worker thread */
    static VarlinkInterface create(Gate gate) {
        return new VarlinkInterface(DEFINITION, List.of(
                Method.onWorker("Wait", call -> {
                    gate.pass();
                    call.reply(Map.of());
                }),
                Method.streaming("FailWhenClientGone", call -> {
                    gate.pass();
                    try {
                        while (true) {
                            call.replyContinues(Map.of());
                        }
                    } catch (RuntimeException clientGone) {
                        // As a handler that wraps whatever went wrong in an error of its own would.
                        throw VarlinkError.invalidParameter("any error will do");
                    }
                }),
                Method.onEventLoop("FailAfterReply", call -> {
                    call.reply(Map.of());
                    throw VarlinkError.expectedMore();
                }),
                // Jackson refuses to write an object with no properties.
                Method.onEventLoop("ReplyUnwritable", call -> call.reply(new Object()))));
    }
}
