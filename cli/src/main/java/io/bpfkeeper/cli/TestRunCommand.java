package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.TestRunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bpfkeeper test-run ID DATA}: BPF_PROG_TEST_RUN of an owned program, without attaching it. */
@Command(name = "test-run", description = "Run an owned program on some data without attaching it; prints its"
        + " return value, the data it left and the mean duration of a run.")
final class TestRunCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The program's kernel id.")
    long id;

    @Parameters(index = "1", paramLabel = "DATA", converter = Hex.Converter.class,
            description = "The packet or context, hex.")
    String data;

    @Option(names = "--repeat", paramLabel = "N", description = "Run it N times (default: once).")
    Long repeat;

    @Override
    protected int run(Output output) {
        TestRunResult result = bpfkeeper().testRun(id, data, repeat);
        output.reply(result, out -> {
            out.println("retval      " + result.retval());
            out.println("duration    " + result.durationNs() + " ns");
            out.println("data        " + result.data());
        });
        return ExitCodes.OK;
    }
}
