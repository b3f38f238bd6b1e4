package io.bpfkeeper.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that makes a new object: where to pin it, and how the daemon owns it. */
final class NewObjectOptions {
    @Option(names = "--pin", paramLabel = "PATH",
            description = "Pin it here, under the daemon's pin root; a relative path resolves against it.")
    String pin;

    @Mixin
    OwnershipOptions ownership;
}
