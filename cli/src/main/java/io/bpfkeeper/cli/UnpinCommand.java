package io.bpfkeeper.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "unpin", description = "Remove a pin of an owned object.")
final class UnpinCommand extends DaemonCommand {
    @Mixin
    ObjectHandle handle;

    @Parameters(index = "2", paramLabel = "PATH", description = "A pin that holds this object.")
    String path;

    @Override
    protected int run(Output output) {
        bpfkeeper().unpin(handle.kind, handle.id, path);
        output.empty();
        return ExitCodes.OK;
    }
}
