package io.bpfkeeper.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "get", description = "Describe an object that the daemon owns, or lost at its last start.")
final class GetCommand extends DaemonCommand {
    @Mixin
    ObjectHandle handle;

    @Override
    protected int run(Output output) {
        ObjectView.print(bpfkeeper().get(handle.kind, handle.id), output);
        return ExitCodes.OK;
    }
}
