package io.bpfkeeper.daemon.varlink.certification;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reference client of the Varlink project, varlink-go-certification, certifies the daemon's
 * server: framing, every JSON type, errors, "more" streams and oneway calls.
 */
@KernelTest
class CertificationTest {

    private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void referenceClientCertifiesTheServer() {
        String output = runReferenceClient(new Certification().varlinkInterface());

        // The client exits 0 whatever happens; only its output tells.
        assertThat(output).contains("Test10: '[Reply number 1 ", "Test11: ''", "End: 'true'");
        assertThat(output.lines()).noneMatch(line -> line.endsWith("failed"));
    }

    /** Proves that the test above can fail: a wrong answer to Test03 fails the next test. */
    @Test
    void referenceClientReportsAWrongAnswer() {
        List<Method> wrongTest03 = new Certification().methods().stream()
                .map(method -> method.name().equals("Test03")
                        ? Method.onEventLoop("Test03", call -> call.reply(Map.of("float", 2.0)))
                        : method)
                .toList();

        String output = runReferenceClient(new VarlinkInterface(Certification.definition(), wrongTest03));

        assertThat(output.lines()).contains("Test04() failed");
        assertThat(output).doesNotContain("End:");
    }

    private String runReferenceClient(VarlinkInterface certification) {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path(), List.of(certification))) {
            Processes.Result result = Processes.run(CLIENT_DEADLINE,
                    "varlink-go-certification", "--client", "--varlink=unix:" + daemon.socket());
            assertThat(result.exitCode()).as("exit code; stderr: %s", result.stderr()).isZero();
            return result.stdout();
        }
    }
}
