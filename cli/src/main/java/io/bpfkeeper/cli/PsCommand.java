package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.SystemObject;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bpfkeeper ps}: every BPF object on the host, marking those bpfkeeper owns. */
@Command(name = "ps", description = "List every BPF program, map and link on the host, like bpftool's show,"
        + " marking which ones bpfkeeper owns.")
final class PsCommand extends DaemonCommand {

    @Option(names = "--kind", paramLabel = "KIND", description = "Only maps, programs or links.")
    Kind kind;

    @Override
    protected int run(Output output) {
        List<SystemObject> objects = bpfkeeper().listAll(kind);
        output.replies(objects.stream().map(object -> Map.of("object", object)).toList(), out -> {
            Table table = new Table();
            InspectViews.psRows(objects).forEach(row -> table.row(row.toArray()));
            table.print(out);
        });
        return ExitCodes.OK;
    }
}
