package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bpfkeeper} in-process against a {@link CannedDaemon}, found
 * through {@code BPFKEEPER_SOCKET} as a user's shell would pass it, and
 * fails any test whose calls or canned replies break the IDL.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class CliTest {
    /** A map and a program as the daemon describes them. */
    static final String MAP_OBJECT = """
            {"kind":"map","id":42,"name":"counters","type":"hash","lifetime":"daemon",
              "owner":{"uid":1000,"gid":100,"pid":4242},"pins":["/sys/fs/bpf/counters"],
              "labels":{"tier":"web","app":"demo"},"createdAt":"2025-01-02T03:04:05Z",
              "map":{"keySize":4,"valueSize":8,"maxEntries":1024,"flags":1}}
            """;
    static final String PROGRAM_OBJECT = """
            {"kind":"program","id":17,"name":"drop","type":"xdp","lifetime":"session",
              "owner":{"uid":0,"gid":0,"pid":1},"pins":[],"labels":{},"createdAt":"2025-01-02T03:04:05Z",
              "program":{"tag":"0123456789abcdef","mapIds":[42,43]}}
            """;

    /** What one run printed, and how it exited. */
    record Result(int exitCode, String out, String err) {
    }

    @TempDir
    Path directory;

    CannedDaemon daemon;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = new CannedDaemon(directory);
    }

    @AfterEach
    void stopDaemonAndCheckTheContract() throws Exception {
        daemon.close();
        assertThat(daemon.offContract()).isEmpty();
    }

    Result bpfkeeper(String... args) {
        return run(Map.of(Main.SOCKET_VARIABLE, daemon.socket().toString()), args);
    }

    static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine(environment)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
