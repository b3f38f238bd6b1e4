package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
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
                Method.onEventLoop("ReplyUnwritable", call -> call.reply(new Object())),
                Method.onWorker("Inspect", call -> {
                    try (Fd fd = takeFd(call)) {
                        Path file = Path.of("/proc/self/fd/" + FdNumbers.of(fd));
                        call.reply(Map.of("inode", Files.getAttribute(file, "unix:ino"), "text", Files.readString(file)));
                    }
                }),
                Method.onEventLoop("Echo", call -> call.reply(Map.of("fileDescriptor", 0), List.of(takeFd(call)))),
                Method.onEventLoop("Stall", call -> {
                    gate.pass();
                    call.reply(Map.of());
                })));
    }

    private static Fd takeFd(CallContext call) throws VarlinkError {
        return call.takeFd("fileDescriptor", call.parameters().get("fileDescriptor").asLong());
    }
}
