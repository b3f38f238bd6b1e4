package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.VarlinkClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the daemon. It connects on first use, so that a
 * mistake in local input, such as an unreadable file, is reported as such
 * even when the daemon is down; and it closes the connection when it ends.
 */
abstract class DaemonCommand implements Callable<Integer> {
    /** The file name that stands for stdin, as in most Unix commands. */
    static final String STDIN = "-";

    @Spec
    CommandSpec spec;

    private VarlinkClient varlink;

    @Override
    public final Integer call() {
        try {
            return run(new Output(main().json(), spec.commandLine().getOut(), spec.commandLine().getErr()));
        } catch (UncheckedIOException e) {
            throw varlink == null
                    ? DaemonUnreachableException.cannotConnect(main().socket(), e)
                    : DaemonUnreachableException.connectionLost(e);
        } finally {
            if (varlink != null) {
                varlink.close();
            }
        }
    }

    /** @return the exit status: {@link ExitCodes#OK}, or {@link ExitCodes#FAILED} when nothing was found */
    protected abstract int run(Output output);

    /** The connection to the daemon, for calls outside io.bpfkeeper such as org.varlink.service ones. */
    protected VarlinkClient varlink() {
        if (varlink == null) {
            varlink = VarlinkClient.connect(main().socket());
        }
        return varlink;
    }

    protected BpfkeeperClient bpfkeeper() {
        return new BpfkeeperClient(varlink());
    }

    /**
     * Reads a local input file whole; {@code -} is stdin.
     *
     * @throws ParameterException if it cannot be read, since the file was named on the command line
     */
    protected byte[] readInput(String file) {
        try {
            return file.equals(STDIN) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw usageError("no such file: " + file);
        } catch (IOException e) {
            throw usageError("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A mistake in what the user gave, found only when the command runs; reported like any usage error. */
    protected ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The root command, which holds the options every command shares. */
    private Main main() {
        return (Main) spec.root().userObject();
    }
}
