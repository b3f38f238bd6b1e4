package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.testing.Processes.CommandFailedException;
import io.bpfkeeper.daemon.testing.Processes.Result;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void capturesBothOutputsAndTheExitCode() {
        Result result = Processes.run(TIMEOUT, "sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void requireSuccessReportsTheCommandItsExitCodeAndStderr() {
        Result result = Processes.run(TIMEOUT, "sh", "-c", "echo no such map >&2; exit 1");

        assertThatThrownBy(result::requireSuccess)
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("exit 1")
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("no such map");
    }

    @Test
    void givesTheCommandNoInput() {
        assertThat(Processes.run(TIMEOUT, "cat").requireSuccess().stdout()).isEmpty();
    }

    @Test
    void killsACommandThatOutlivesItsTimeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> Processes.run(Duration.ofMillis(200), "sleep", "30"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("did not finish within PT0.2S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void failsToRunAMissingCommand() {
        assertThatThrownBy(() -> Processes.run(TIMEOUT, "/nonexistent/command"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("/nonexistent/command");
    }
}
