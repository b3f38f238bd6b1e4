package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Lifetime;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of every command that makes the daemon take ownership of an object. */
final class OwnershipOptions {
    @Option(names = "--lifetime", paramLabel = "session|daemon",
            description = "How long the daemon holds the object: daemon (the default) until it is released;"
                    + " session only until this command exits, which makes sense with a pin.")
    Lifetime lifetime;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "A label to find the object by, as in 'list --label'; repeatable.")
    Map<String, String> labels;
}
