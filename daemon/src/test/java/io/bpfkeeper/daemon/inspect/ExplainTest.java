package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.HoldingProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Explain agrees with bpftool's "-f" pinned output and map ids for the same objects. Debian 12's
 * bpftool 7.1 is built without skeletons, so it never prints "pids"; the holder process itself,
 * which knows its pid and the fd it opened, is the witness for process holders.
 */
@KernelTest
class ExplainTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @RegisterExtension
    final PrivateBpffs otherBpffs = new PrivateBpffs();

    @Test
    void objectHeldOnlyByAnotherProcessIsGoneOnceThatProcessIsKilled() throws Exception {
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path());
                BpfkeeperClient client = daemon.client();
                HoldingProcess holder = HoldingProcess.holding(pin)) {
            Files.delete(pin);

            Explanation held = client.explain(Kind.MAP, id);

            assertThat(Bpftool.json("-f", "map", "show", "id", Integer.toString(id)).path("pinned")).isEmpty();
            assertThat(held.holders()).singleElement().satisfies(process -> {
                assertThat(process.type()).isEqualTo(HolderType.PROCESS);
                assertThat(process.pid()).isEqualTo(holder.pid());
                assertThat(process.command()).isEqualTo("java");
                assertThat(process.fd()).isEqualTo(holder.fd());
            });
            assertThat(held.owned()).isFalse();

            holder.kill();

            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, id),
                    "map " + id + " freed after its only holder was killed");
            Explanation gone = client.explain(Kind.MAP, id);
            assertThat(gone.holders()).isEmpty();
            assertThat(gone.verdict()).isEqualTo("map " + id + " does not exist: the kernel has freed it,"
                    + " or it never existed.");
        }
    }

    @Test
    void objectPinnedInTwoBpffsMountsHasBothPins() {
        Path first = bpffs.path().resolve("first");
        Path second = otherBpffs.path().resolve("second");
        int id = Bpftool.createPinnedArrayMap(first, "twice");
        Bpftool.json("map", "pin", "id", Integer.toString(id), second.toString());
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            Explanation explanation = client.explain(Kind.MAP, id);

            List<String> pinnedByBpftool = texts(Bpftool.json("-f", "map", "show", "id", Integer.toString(id))
                    .get("pinned"));
            assertThat(pinnedByBpftool).containsExactlyInAnyOrder(first.toString(), second.toString());
            assertThat(explanation.holders()).extracting(Holder::type).containsOnly(HolderType.PIN);
            assertThat(explanation.holders()).extracting(Holder::path)
                    .containsExactlyInAnyOrderElementsOf(pinnedByBpftool);
            assertThat(explanation.verdict()).contains("It dies when both are gone.")
                    .endsWith("bpfkeeper does not own it.");
        }
    }

    @Test
    void pinInASubdirectoryIsFoundAndASymlinkToItIsNot() throws Exception {
        Path directory = Files.createDirectories(bpffs.path().resolve("nested/deeper"));
        Path pin = directory.resolve("deep");
        int id = Bpftool.createPinnedArrayMap(pin, "deep");
        Files.createSymbolicLink(bpffs.path().resolve("shortcut"), pin);
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {

            Explanation explanation = client.explain(Kind.MAP, id);

            List<String> pinnedByBpftool = texts(Bpftool.json("-f", "map", "show", "id", Integer.toString(id))
                    .get("pinned"));
            assertThat(pinnedByBpftool).containsExactly(pin.toString());
            assertThat(explanation.holders()).extracting(Holder::path).containsExactlyElementsOf(pinnedByBpftool);
        }
    }

    @Test
    void pinReplacedBetweenTwoCallsIsIdentifiedAnew() throws Exception {
        Path pin = bpffs.path().resolve("replaced");
        int first = Bpftool.createPinnedArrayMap(pin, "first");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            assertThat(client.explain(Kind.MAP, first).holders()).extracting(Holder::path)
                    .containsExactly(pin.toString());
            Path other = bpffs.path().resolve("other");
            int second = Bpftool.createPinnedArrayMap(other, "second");
            // Renamed over the first map's pin, which frees that map: a file name that the last
            // Explain saw now pins another object.
            Path replacement = bpffs.path().resolve("replacement");
            Bpftool.json("map", "pin", "id", Integer.toString(second), replacement.toString());
            Files.move(replacement, pin, StandardCopyOption.ATOMIC_MOVE);

            assertThat(client.explain(Kind.MAP, second).holders()).extracting(Holder::path)
                    .containsExactlyInAnyOrder(pin.toString(), other.toString());
        }
    }

    @Test
    void mapReleasedByTheDaemonLivesOnInTheProgramThatUsesIt() {
        Path programs = bpffs.path().resolve("progs");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("xdp_count").toString(), programs.toString());
        JsonNode program = Bpftool.json("prog", "show", "pinned", programs.resolve("xdp_count").toString());
        int programId = program.get("id").asInt();
        int mapId = program.get("map_ids").get(0).asInt();
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            client.adopt(AdoptRequest.byId(Kind.MAP, mapId));
            assertThat(client.explain(Kind.MAP, mapId).owned()).isTrue();
            client.release(Kind.MAP, mapId);

            Explanation explanation = client.explain(Kind.MAP, mapId);

            JsonNode shown = Bpftool.json("-f", "map", "show", "id", Integer.toString(mapId));
            assertThat(shown.path("pinned")).as("bpftool sees no pin").isEmpty();
            assertThat(explanation.owned()).isFalse();
            assertThat(explanation.holders()).singleElement().satisfies(user -> {
                assertThat(user.type()).isEqualTo(HolderType.PROGRAM);
                assertThat(user.id()).isEqualTo(programId);
            });
            assertThat(KernelIds.exists(ObjectKind.MAP, mapId)).isTrue();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
