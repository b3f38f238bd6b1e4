package io.bpfkeeper.packaging.docs;

import io.bpfkeeper.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the man pages and the bash completion that the Debian package installs, at build time, from the
 * commands' picocli definitions and from the Markdown in docs/:
 *
 * <pre>GenerateDocs OUTPUT_DIR REPOSITORY VERSION</pre>
 *
 * <p>leaves OUTPUT_DIR/man/bpfkeeper.1, bpfkeeperd.8 and bpfkeeper-policy.5, and
 * OUTPUT_DIR/bash-completion/bpfkeeper. The packaging module runs it in the package phase, before
 * build-deb.
 */
public final class GenerateDocs {
    private static final String OPTIONS = "<!-- options -->";
    private static final String COMMANDS = "<!-- commands -->";

    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: GenerateDocs OUTPUT_DIR REPOSITORY VERSION");
        }
        Path output = Path.of(args[0]);
        Path docs = Path.of(args[1]).resolve("docs");
        String source = "bpfkeeper " + args[2];
        CommandLine client = Main.commandLine(Map.of());
        CommandLine daemon = new CommandLine(new io.bpfkeeper.daemon.Main());

        Path man = Files.createDirectories(output.resolve("man"));
        page(man, "bpfkeeper", 1, source, "client of bpfkeeperd, the owner of BPF programs, maps and links",
                docs.resolve("man/bpfkeeper.1.md"), Map.of(
                        OPTIONS, roff -> CommandRoff.options(roff, client.getCommandSpec()),
                        COMMANDS, roff -> CommandRoff.subcommands(roff, client)));
        page(man, "bpfkeeperd", 8, source, "owner of BPF programs, maps and links, served over Varlink",
                docs.resolve("man/bpfkeeperd.8.md"),
                Map.of(OPTIONS, roff -> CommandRoff.options(roff, daemon.getCommandSpec())));
        page(man, "bpfkeeper-policy", 5, source, "who may make bpfkeeperd do what",
                docs.resolve("policy.md"), Map.of());

        Path completions = Files.createDirectories(output.resolve("bash-completion"));
        // bash-completion sources the script: a #! line would only suggest that it runs on its own.
        Files.writeString(completions.resolve("bpfkeeper"),
                AutoComplete.bash("bpfkeeper", client).replaceFirst("^#!.*\n", ""));
    }

    private static void page(Path directory, String name, int section, String source, String summary,
            Path markdown, Map<String, Consumer<Roff>> markers) throws IOException {
        Roff roff = new Roff(name, section, source, summary);
        new MarkdownRoff(roff, markers).render(Files.readString(markdown));
        Files.writeString(directory.resolve(name + "." + section), roff.toString());
    }
}
