package io.bpfkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns a failure into a line on stderr, {@code bpfkeeper: <what went
 * wrong>}, and the exit status that says what kind of failure it was.
 * Anything not foreseen here is left to picocli, which prints its stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final String PREFIX = "bpfkeeper: ";

    /** An error reply as {@code --json} prints it: what the daemon sent, minus the framing. */
    private record ErrorReply(String error, JsonNode parameters) {
    }

    private final Main main;

    ErrorReporter(Main main) {
        this.main = main;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult)
            throws Exception {
        PrintWriter err = commandLine.getErr();
        if (failure instanceof VarlinkCallException) {
            reportErrorReply((VarlinkCallException) failure, err);
            return ExitCodes.FAILED;
        }
        if (failure instanceof DaemonUnreachableException) {
            err.println(PREFIX + failure.getMessage());
            err.flush();
            return ExitCodes.UNREACHABLE;
        }
        throw failure;
    }

    /**
     * Says what was wrong with the command line. When a command group was
     * given no command (not a mistyped one, which gets suggestions instead),
     * its usage is printed, since it lists what the group can do; otherwise
     * only the way to the usage is, which is long.
     */
    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        PrintWriter err = commandLine.getErr();
        // Some picocli messages start with "Error: ", which the prefix says already.
        err.println(PREFIX + failure.getMessage().replaceFirst("^Error: ", ""));
        UnmatchedArgumentException.printSuggestions(failure, err);
        if (!commandLine.getSubcommands().isEmpty() && !(failure instanceof UnmatchedArgumentException)) {
            commandLine.usage(err);
        } else {
            err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    private void reportErrorReply(VarlinkCallException failure, PrintWriter err) {
        if (main.json()) {
            err.println(Output.toJson(new ErrorReply(failure.error(), failure.parameters())));
        } else {
            err.println(PREFIX + VarlinkErrors.describe(failure));
            if (failure.error().equals(BpfkeeperInterface.PROGRAM_REJECTED)) {
                printVerifierLog(failure.parameters(), err);
            }
        }
        err.flush();
    }

    /** The log's tail names the instruction that failed, so it is the part worth showing whole. */
    private static void printVerifierLog(JsonNode rejection, PrintWriter err) {
        if (rejection.path("logTruncated").asBoolean(false)) {
            err.println("...");
        }
        String log = rejection.path("log").asText();
        err.print(log);
        if (!log.isEmpty() && !log.endsWith("\n")) {
            err.println();
        }
    }
}
