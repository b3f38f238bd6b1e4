package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", aliases = "ls",
        description = "List the objects that the daemon owns, and those it lost at its last start.")
final class ListCommand extends DaemonCommand {
    @Option(names = "--kind", paramLabel = "KIND", description = "Only objects of this kind: map, prog, link.")
    Kind kind;

    @Option(names = "--label", paramLabel = "KEY[=VALUE]",
            description = "Only objects with this label value, or with this label at all.")
    String label;

    @Override
    protected int run(Output output) {
        List<BpfObject> objects = bpfkeeper().list(kind, label);
        List<Map<String, BpfObject>> replies = objects.stream()
                .map(object -> Map.of("object", object))
                .collect(Collectors.toList());
        output.replies(replies, out -> {
            if (objects.isEmpty()) {
                output.note("no objects");
            } else {
                ObjectView.printTable(objects, out);
            }
        });
        return ExitCodes.OK;
    }
}
