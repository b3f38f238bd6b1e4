package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Kind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "release", description = {"Drop the daemon's reference to an object (KIND ID), or to every object of"
        + " a group (--group, as 'load' printed it).",
    "The kernel frees it unless something else holds it: a pin, a program that uses the map, a process."})
final class ReleaseCommand extends DaemonCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "map, prog (or program), link or"
            + " attachment.")
    Kind kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The kernel id, as bpftool shows it.")
    Long id;

    @Option(names = "--group", paramLabel = "GROUP", description = "Every object of your own group GROUP instead;"
            + " another user's group of the same name is left alone.")
    String group;

    @Option(names = "--group-owner", paramLabel = "UID", description = "Root only: release the group of this uid"
            + " (default: your own).")
    Integer groupOwner;

    @Override
    protected int run(Output output) {
        boolean byHandle = kind != null && id != null;
        if (byHandle == (group != null) || (kind == null) != (id == null)) {
            throw usageError("give either KIND ID or --group GROUP");
        }
        if (groupOwner != null && group == null) {
            throw usageError("--group-owner goes with --group");
        }
        if (byHandle) {
            bpfkeeper().release(kind, id);
        } else if (groupOwner != null) {
            bpfkeeper().releaseGroup(group, groupOwner);
        } else {
            bpfkeeper().releaseGroup(group);
        }
        output.empty();
        return ExitCodes.OK;
    }
}
