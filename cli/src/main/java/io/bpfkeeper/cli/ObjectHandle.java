package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Kind;
import picocli.CommandLine.Parameters;

/** The positional {@code KIND ID} that names an owned object, as bpftool names one. */
final class ObjectHandle {
    @Parameters(index = "0", paramLabel = "KIND", description = "map, prog (or program), link or attachment.")
    Kind kind;

    @Parameters(index = "1", paramLabel = "ID", description = "The kernel id, as bpftool shows it.")
    long id;
}
