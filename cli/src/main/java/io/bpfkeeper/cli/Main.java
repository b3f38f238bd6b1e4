package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bpfkeeper}: the command line of bpfkeeperd. This class holds the
 * options every command shares and is the one place where commands are
 * registered: a new command is a class of its own, added to
 * {@code subcommands} below.
 */
@Command(name = "bpfkeeper", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Creates, loads, pins and shares BPF maps and programs through bpfkeeperd.",
        subcommands = {
            MapCommand.class,
            ProgCommand.class,
            LoadCommand.class,
            TestRunCommand.class,
            GetCommand.class,
            ListCommand.class,
            PinCommand.class,
            UnpinCommand.class,
            ReleaseCommand.class,
            AdoptCommand.class,
            AttachCommand.class,
            AttachCommand.Detach.class,
            ExplainCommand.class,
            PsCommand.class,
            InfoCommand.class,
            PolicyCommand.class,
            IdlCommand.class,
            HelpCommand.class,
        },
        footer = {"", "Exit status: 0 done, 1 the daemon refused or found nothing, 2 usage error,"
                + " 3 the daemon could not be reached."})
public final class Main {
    static final String DEFAULT_SOCKET = "/run/bpfkeeper/bpfkeeper.sock";
    static final String SOCKET_VARIABLE = "BPFKEEPER_SOCKET";

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The daemon's socket (default: $" + SOCKET_VARIABLE + ", else " + DEFAULT_SOCKET + ").")
    private Path socket;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the daemon's reply parameters as JSON, one document a line, and errors as JSON.")
    private boolean json;

    private Main(Map<String, String> environment) {
        // An initial value, not a defaultValue, so that it comes from the environment this command line was built
        // with; tests pass their own.
        socket = Path.of(environment.getOrDefault(SOCKET_VARIABLE, DEFAULT_SOCKET));
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /**
     * The whole command tree, with its converters and error handling, for the given environment variables.
     * The packaging module generates the man page and the bash completion from it.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        Main main = new Main(environment);
        CommandLine commandLine = new CommandLine(main)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Kind.class, new KindConverter())
                .registerConverter(Long.class, new NumberConverter())
                .registerConverter(long.class, new NumberConverter());
        ErrorReporter errors = new ErrorReporter(main);
        return commandLine.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
    }

    Path socket() {
        return socket;
    }

    boolean json() {
        return json;
    }

    /** The version Maven filtered into {@code version.properties}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"bpfkeeper " + properties.getProperty("version")};
        }
    }
}
