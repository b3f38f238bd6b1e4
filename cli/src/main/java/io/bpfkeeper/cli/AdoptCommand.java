package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.types.Kind;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "adopt", description = {"Make the daemon own a map or program that exists already.",
    "Name it by a pin under the pin root, or by its kind and kernel id (root only)."})
final class AdoptCommand extends DaemonCommand {
    /** Either a pin path or a kind and an id, never both. */
    static final class Target {
        @Option(names = "--path", paramLabel = "PATH", required = true,
                description = "A pin under the daemon's pin root; a relative path resolves against it.")
        String path;

        @ArgGroup(exclusive = false)
        ById byId;
    }

    static final class ById {
        @Parameters(index = "0", paramLabel = "KIND", description = "map or prog.")
        Kind kind;

        @Parameters(index = "1", paramLabel = "ID", description = "The kernel id, as bpftool shows it.")
        long id;
    }

    @ArgGroup(multiplicity = "1")
    Target target;

    @Mixin
    OwnershipOptions ownership;

    @Override
    protected int run(Output output) {
        AdoptRequest request = target.path != null
                ? AdoptRequest.byPath(target.path)
                : AdoptRequest.byId(target.byId.kind, target.byId.id);
        ObjectView.print(bpfkeeper().adopt(request.withLifetime(ownership.lifetime).withLabels(ownership.labels)),
                output);
        return ExitCodes.OK;
    }
}
