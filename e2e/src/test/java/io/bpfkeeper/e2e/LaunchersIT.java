package io.bpfkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The launchers as a user runs them: {@code bin/bpfkeeperd} serving a private socket and bpffs, and
 * {@code bin/bpfkeeper} commands against it, with bpftool as the witness of what the kernel holds.
 */
@KernelTest
class LaunchersIT {

    private static final Path CHECKOUT = Path.of(System.getProperty("bpfkeeper.checkout", "..")).toAbsolutePath()
            .normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private Path directory;
    private Process daemon;

    @BeforeEach
    void startTheDaemon() throws IOException {
        directory = Files.createTempDirectory("bpfkeeper-e2e-");
        daemon = new ProcessBuilder(CHECKOUT.resolve("bin/bpfkeeperd").toString(),
                "--socket", socket().toString(),
                "--pin-root", bpffs.path().toString(),
                "--state-dir", directory.resolve("state").toString(),
                // Any free port: the default one belongs to whichever daemon of a concurrent run took it.
                "--metrics-address", "127.0.0.1:0")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("daemon.log").toFile())
                .start();
        Eventually.until(Duration.ofSeconds(30), () -> cli("info").exitCode() == 0,
                "bin/bpfkeeperd answers on " + socket());
    }

    @AfterEach
    void stopTheDaemon() throws Exception {
        daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private Path socket() {
        return directory.resolve("bpfkeeper.sock");
    }

    private Processes.Result cli(String... arguments) {
        List<String> command = new ArrayList<>(List.of(CHECKOUT.resolve("bin/bpfkeeper").toString(),
                "--socket", socket().toString()));
        command.addAll(List.of(arguments));
        return Processes.run(COMMAND_TIMEOUT, command);
    }

    private JsonNode json(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("--json"));
        command.addAll(List.of(arguments));
        Processes.Result result = cli(command.toArray(String[]::new)).requireSuccess();
        return JSON.readTree(result.stdout());
    }

    @Test
    void mapsAndObjectsThroughTheLaunchersAreWhatBpftoolSees() throws Exception {
        JsonNode map = json("map", "create", "counters", "--type", "hash", "--key-size", "4", "--value-size", "8",
                "--max-entries", "16", "--pin", "e2e/counters").get("object");
        int mapId = map.get("id").asInt();
        Path pin = bpffs.path().resolve("e2e/counters");
        JsonNode shown = Bpftool.json("map", "show", "pinned", pin.toString());
        assertThat(shown.get("id").asInt()).isEqualTo(mapId);
        assertThat(shown.get("type").asText()).isEqualTo("hash");
        assertThat(shown.get("name").asText()).isEqualTo("counters");

        cli("map", "update", Integer.toString(mapId), "01 00 00 00", "0x2a00000000000000").requireSuccess();
        assertThat(Bpftool.mapLookup(mapId, HexFormat.of().parseHex("01000000")))
                .isEqualTo(HexFormat.of().parseHex("2a00000000000000"));

        Path elf = Files.write(directory.resolve("xdp_count.bpf.o"), BpfTestObjects.bytes("xdp_count"));
        JsonNode loaded = json("load", elf.toString());
        int programId = -1;
        int counterId = -1;
        for (JsonNode object : loaded.get("objects")) {
            if (object.get("kind").asText().equals("program")) {
                programId = object.get("id").asInt();
            } else {
                counterId = object.get("id").asInt();
            }
        }
        cli("test-run", Integer.toString(programId), "00".repeat(64), "--repeat", "4").requireSuccess();
        assertThat(Bpftool.mapLookup(counterId, new byte[4])).isEqualTo(HexFormat.of().parseHex("0400000000000000"));
        assertThat(cli("list").requireSuccess().stdout()).contains("counters").contains("xdp_count");

        Processes.Result missing = cli("release", "map", "2000000000");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).startsWith("bpfkeeper: bpfkeeper owns no map 2000000000");

        int unpinnedProgram = programId;
        daemon.destroy();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("the daemon stops on SIGTERM").isTrue();
        assertThat(Files.readString(directory.resolve("daemon.log"))).contains("stopped");
        Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.PROGRAM, unpinnedProgram),
                "the unpinned program is freed once its daemon stopped");
        assertThat(Bpftool.json("map", "show", "pinned", pin.toString()).get("id").asInt())
                .as("the pinned map outlives the daemon").isEqualTo(mapId);

        Processes.Result unreachable = cli("list");
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.stderr()).contains("is bpfkeeperd running?");
    }
}
