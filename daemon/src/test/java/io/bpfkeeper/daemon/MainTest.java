package io.bpfkeeper.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.config.DaemonConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The daemon's flags become the configuration they say, and a bad one is a usage error that says why. */
class MainTest {

    @Test
    void flagsBecomeTheConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--socket", "/run/x/x.sock", "--pin-root", "/sys/fs/bpf/x", "--state-dir",
                "/var/lib/x", "--max-message-size", "65536", "--metrics-address", "off");

        DaemonConfig config = main.config();

        assertThat(config.socket()).isEqualTo(Path.of("/run/x/x.sock"));
        assertThat(config.pinRoot()).isEqualTo(Path.of("/sys/fs/bpf/x"));
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/x"));
        assertThat(config.maxMessageBytes()).isEqualTo(65536);
        assertThat(config.metrics().enabled()).isFalse();
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        DaemonConfig config = new Main().config();

        assertThat(config.socket()).isEqualTo(Path.of("/run/bpfkeeper/bpfkeeper.sock"));
        assertThat(config.maxMessageBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(config.limits().messageArrivalTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.limits().maxTestRunRepeat()).isEqualTo(1_000_000);
    }

    @Test
    void theMessageTimeoutIsAFlag() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--message-timeout", "2");

        assertThat(main.config().limits().messageArrivalTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aMessageSizeThatIsNoNumberOrOutOfRangeIsAUsageError() {
        for (String bad : new String[] {"lots", "-1", "0", "4095", "268435457", "16MiB"}) {
            StringWriter err = new StringWriter();
            int exit = new CommandLine(new Main()).setErr(new PrintWriter(err))
                    .execute("--max-message-size", bad);

            assertThat(exit).as(bad).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(err.toString()).as(bad).contains("--max-message-size").contains(bad);
        }
    }
}
