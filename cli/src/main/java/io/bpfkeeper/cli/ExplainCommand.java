package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Kind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bpfkeeper explain KIND ID}: who keeps any BPF object on the host alive, and what ends it. */
@Command(name = "explain", description = "Say what keeps a map, program or link alive: processes with an fd, pins,"
        + " links, attachments, programs using a map, and bpfkeeper itself; owned or not.")
final class ExplainCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "KIND", description = "map, prog (or program) or link.")
    Kind kind;

    @Parameters(index = "1", paramLabel = "ID", description = "The kernel id, as bpftool shows it.")
    long id;

    @Override
    protected int run(Output output) {
        Explanation explanation = bpfkeeper().explain(kind, id);
        output.reply(explanation, out -> {
            out.println(explanation.verdict());
            if (!explanation.holders().isEmpty()) {
                out.println();
                Table table = new Table();
                InspectViews.holderRows(explanation).forEach(row -> table.row(row.toArray()));
                table.print(out);
            }
        });
        return ExitCodes.OK;
    }
}
