package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.LoadedProgram;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bpfkeeper prog}: loading programs. */
@Command(name = "prog", description = "Load programs.", subcommands = ProgCommand.Load.class)
final class ProgCommand {
    private ProgCommand() {
    }

    @Command(name = "load", description = {"Load a program from raw instructions, owned by the daemon; prints it.",
        "When the verifier rejects it, prints the verifier log."})
    static final class Load extends DaemonCommand {
        /** The instructions, given inline or in a file; exactly one of the two. */
        static final class Instructions {
            @Option(names = "--insns", paramLabel = "HEX", converter = Hex.Converter.class,
                    description = "Hex of the 8-byte struct bpf_insn records, in host byte order.")
            String hex;

            @Option(names = "--insns-file", paramLabel = "FILE",
                    description = "A file of raw struct bpf_insn records; - is stdin.")
            String file;
        }

        @Parameters(paramLabel = "NAME", description = "At most 15 characters: letters, digits, '_' and '.'.")
        String name;

        @Option(names = "--type", required = true, paramLabel = "TYPE",
                description = "bpftool's program type name: socket_filter, xdp, sched_cls, kprobe, ...")
        String type;

        @ArgGroup(multiplicity = "1")
        Instructions instructions;

        @Option(names = "--license", paramLabel = "LICENSE", defaultValue = "GPL",
                description = "GPL-only helpers need a GPL-compatible license (default: ${DEFAULT-VALUE}).")
        String license;

        @Option(names = "--expected-attach-type", paramLabel = "TYPE",
                description = "bpftool's attach type name, for program types that need one, such as"
                        + " cgroup_inet_egress.")
        String expectedAttachType;

        @Option(names = "--log-level", paramLabel = "N",
                description = "1 or 2 to print the verifier log on success too.")
        Long logLevel;

        @Option(names = "--map", paramLabel = "ID",
                description = {"An owned map that the program uses, by kernel id; repeat for more. Instructions"
                        + " refer to the maps by their order here, from 0, with ld_imm64 src_reg"
                        + " BPF_PSEUDO_MAP_IDX (5) or BPF_PSEUDO_MAP_IDX_VALUE (6).",
                    "Map file descriptors (src_reg 1 or 2) are refused."})
        List<Long> maps;

        @Mixin
        NewObjectOptions newObject;

        @Override
        protected int run(Output output) {
            String hex = instructions.hex != null ? instructions.hex : Hex.of(readInput(instructions.file));
            LoadProgramRequest request = LoadProgramRequest.of(name, type, hex, license)
                    .withMaps(maps)
                    .withExpectedAttachType(expectedAttachType)
                    .withLifetime(newObject.ownership.lifetime)
                    .withPin(newObject.pin)
                    .withLabels(newObject.ownership.labels);
            if (logLevel != null) {
                request = request.withLogLevel(logLevel);
            }
            LoadedProgram loaded = bpfkeeper().loadProgram(request);
            output.reply(loaded, out -> {
                ObjectView.printBlock(loaded.object(), out);
                if (loaded.log() != null) {
                    out.println();
                    out.println("verifier log:");
                    out.print(loaded.log());
                }
            });
            return ExitCodes.OK;
        }
    }
}
