package io.bpfkeeper.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "release", description = {"Drop the daemon's reference to an object.",
    "The kernel frees it unless something else holds it: a pin, a program that uses the map, a process."})
final class ReleaseCommand extends DaemonCommand {
    @Mixin
    ObjectHandle handle;

    @Override
    protected int run(Output output) {
        bpfkeeper().release(handle.kind, handle.id);
        output.empty();
        return ExitCodes.OK;
    }
}
