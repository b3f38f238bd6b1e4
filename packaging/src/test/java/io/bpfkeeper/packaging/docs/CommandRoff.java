package io.bpfkeeper.packaging.docs;

import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The parts of a man page that picocli's definitions of a command hold: its options, and its subcommands
 * with their synopses, descriptions, options and parameters. Rendering them from the definitions keeps
 * the page as current as {@code --help}.
 */
final class CommandRoff {
    /** Wide enough that picocli wraps no line: roff fills the lines itself. */
    private static final int UNWRAPPED = 10_000;

    private CommandRoff() {
    }

    /** The command's own options as tagged paragraphs; options inherited from a parent are the parent's. */
    static void options(Roff roff, CommandSpec command) {
        boolean subcommand = command.parent() != null;
        command.options().stream()
                .filter(option -> !option.hidden() && !option.inherited())
                // Every subcommand has its own --help and --version, described once, at the top.
                .filter(option -> !(subcommand && (option.usageHelp() || option.versionHelp())))
                .sorted(Comparator.comparing(option -> option.longestName().replaceFirst("^-+", "")))
                .forEach(option -> roff.macro("TP").text(optionTag(option)).text(description(option)));
    }

    /** A subsection for every subcommand, depth first, named as it is typed: "bpfkeeper map update". */
    static void subcommands(Roff roff, CommandLine command) {
        Set<CommandLine> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (CommandLine subcommand : command.getSubcommands().values()) {
            CommandSpec spec = subcommand.getCommandSpec();
            // Aliases map several names to one subcommand.
            if (!distinct.add(subcommand) || spec.usageMessage().hidden()) {
                continue;
            }
            Help help = help(spec);
            roff.macro("SS", spec.qualifiedName());
            String synopsis = help.synopsis(0).strip();
            if (!synopsis.startsWith(spec.qualifiedName())) {
                throw new IllegalStateException("picocli's synopsis of " + spec.qualifiedName() + " starts elsewhere: "
                        + synopsis);
            }
            roff.macro("PP").text(Roff.bold(Roff.literal(spec.qualifiedName())) + " "
                    + Roff.literal(synopsis.substring(spec.qualifiedName().length()).strip()));
            help.description().lines().filter(line -> !line.isBlank())
                    .forEach(line -> roff.macro("PP").text(Roff.escape(line)));
            options(roff, spec);
            spec.positionalParameters().stream().filter(parameter -> !parameter.hidden())
                    .forEach(parameter -> roff.macro("TP").text(Roff.italic(Roff.literal(parameter.paramLabel())))
                            .text(description(parameter)));
            subcommands(roff, subcommand);
        }
    }

    private static String optionTag(OptionSpec option) {
        String names = List.of(option.names()).stream().map(name -> Roff.bold(Roff.literal(name)))
                .collect(Collectors.joining(", "));
        return option.arity().max() == 0 ? names : names + "=" + Roff.italic(Roff.literal(option.paramLabel()));
    }

    private static String description(ArgSpec arg) {
        return Roff.escape(String.join(" ", arg.renderedDescription()));
    }

    private static Help help(CommandSpec spec) {
        spec.usageMessage().width(UNWRAPPED);
        return new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
    }
}
