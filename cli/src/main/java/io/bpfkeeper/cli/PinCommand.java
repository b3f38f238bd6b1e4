package io.bpfkeeper.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "pin", description = "Pin an owned object in bpffs; prints the absolute path of the pin.")
final class PinCommand extends DaemonCommand {
    @Mixin
    ObjectHandle handle;

    @Parameters(index = "2", paramLabel = "PATH",
            description = "Under the daemon's pin root; a relative path resolves against it.")
    String path;

    @Override
    protected int run(Output output) {
        String pinned = bpfkeeper().pin(handle.kind, handle.id, path);
        output.reply(Map.of("path", pinned), out -> out.println(pinned));
        return ExitCodes.OK;
    }
}
