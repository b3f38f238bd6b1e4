package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Policy;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "policy", description = {"Show what the daemon's policy lets you do, and which rule set each grant.",
        "bpfkeeperd --check-policy DIR checks policy files without a running daemon."})
final class PolicyCommand extends DaemonCommand {
    @Override
    protected int run(Output output) {
        Policy policy = bpfkeeper().getPolicy();
        output.reply(policy, out -> {
            Map<String, String> from = policy.sources();
            Table table = new Table()
                    .row("uid:", policy.uid(), "")
                    .row("map types:", String.join(" ", policy.mapTypes()), from.get("mapTypes"))
                    .row("program types:", String.join(" ", policy.programTypes()), from.get("programTypes"))
                    .row("hooks:", String.join(" ", policy.hooks()), from.get("hooks"))
                    .row("netns:", (policy.ownedNetns() ? "owned " : "") + String.join(" ", policy.netnsNames()),
                            from.get("netns"))
                    .row("cgroups:", (policy.delegatedCgroups() ? "delegated " : "")
                            + String.join(" ", policy.cgroupPaths()), from.get("cgroups"))
                    .row("pin prefix:", policy.pinPrefix().isEmpty() ? "(anywhere)" : policy.pinPrefix(),
                            from.get("pinPrefix"))
                    .row("adopt foreign:", policy.adoptForeign(), from.get("adoptForeign"))
                    .row("inspect host:", policy.inspectHost(), from.get("inspectHost"))
                    .row("full verifier:", policy.fullVerifier(), from.get("fullVerifier"))
                    .row("limits:", "objects " + policy.limits().objects() + ", locked memory "
                            + policy.limits().lockedMemoryBytes() + " bytes, connections "
                            + policy.limits().connections() + ", calls in flight "
                            + policy.limits().callsInFlight() + ", fd store slots "
                            + policy.limits().fdStoreSlots(), from.get("limits"));
            table.print(out);
        });
        return ExitCodes.OK;
    }
}
