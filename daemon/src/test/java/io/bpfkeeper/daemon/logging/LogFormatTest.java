package io.bpfkeeper.daemon.logging;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Kind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bpfkeeperd as a process of its own, with its real logback.xml: --log-format json turns every line
 * into a JSON object, and each state-changing call, failed or not, leaves one audit line while reads
 * leave none.
 */
@KernelTest
class LogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void jsonLinesWithOneAuditLinePerChange(@TempDir Path directory) throws Exception {
        Path socket = directory.resolve("bpfkeeper.sock");
        Path stderr = directory.resolve("stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The daemon's own logback.xml, not the tests' quieter logback-test.xml.
        String logback = "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath();
        Process daemon = new ProcessBuilder(java, logback, "-cp", System.getProperty("java.class.path"),
                "io.bpfkeeper.daemon.Main", "--socket",
                socket.toString(), "--pin-root", bpffs.path().toString(), "--state-dir",
                directory.resolve("state").toString(), "--metrics-address", "off", "--log-format", "json")
                .redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long id;
        try {
            io.bpfkeeper.daemon.testing.Eventually.until(Duration.ofSeconds(30), () -> Files.exists(socket),
                    "the daemon serves " + socket);
            try (BpfkeeperClient client = BpfkeeperClient.connect(socket)) {
                id = client.createMap(CreateMapRequest.of("audited", "hash", 4, 8, 8)).id();
                client.get(Kind.MAP, id);
                client.list(null, null);
                expectError(BpfkeeperInterface.NO_SUCH_OBJECT, () -> client.release(Kind.MAP, Integer.MAX_VALUE));
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }

        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(stderr),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(JSON.readTree(line));
            }
        }
        List<JsonNode> audit = lines.stream()
                .filter(line -> line.path("loggerName").asText().equals("io.bpfkeeper.audit")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.has("level")).isTrue());
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).get("formattedMessage").asText()).contains("created map").contains("audited");
        assertThat(audit.get(1).get("formattedMessage").asText()).contains("Release failed")
                .contains("bpfkeeper owns no map " + Integer.MAX_VALUE);
        assertThat(audit).allSatisfy(line -> assertThat(line.get("kvpList").toString())
                .contains("\"caller_uid\"").contains("\"caller_pid\"").contains("\"caller_comm\"")
                .contains("\"method\""));
        assertThat(audit.get(0).get("kvpList").toString()).contains("\"object\":\"map " + id + "\"")
                .contains("\"result\":\"ok\"");
        assertThat(audit.get(1).get("kvpList").toString()).contains("\"method\":\"io.bpfkeeper.Release\"")
                .contains("\"result\":\"failed\"").contains("\"error\"");
    }
}
