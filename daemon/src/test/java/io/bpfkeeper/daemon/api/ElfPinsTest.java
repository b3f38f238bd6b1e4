package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maps that an ELF object pins by name (LIBBPF_PIN_BY_NAME) go in users/UID of the loader, owned
 * by it and recorded, never at the pin root or in /sys/fs/bpf, and never take another's map.
 */
@KernelTest
class ElfPinsTest {

    private static final String PACKET = "00".repeat(64);
    private static final String MAP = "shared_runs";
    private static final byte[] KEY = new byte[4];
    private static final String ROOTS_VALUE = "2a00000000000000";

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private static BpfObject named(LoadedObject loaded, String name) {
        return loaded.objects().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    private static String rootsValue(int id) {
        return HexFormat.of().formatHex(Bpftool.mapLookup(id, KEY));
    }

    @Test
    void pinsByNameGoInTheLoadersOwnDirectoryAndLeaveRootsPinOfTheSameNameAlone() throws Exception {
        Path rootsPin = bpffs.path().resolve(MAP);
        int rootsMap = Bpftool.createPinnedArrayMap(rootsPin, MAP);
        Bpftool.json("map", "update", "id", Integer.toString(rootsMap), "key", "hex", "00", "00", "00", "00",
                "value", "hex", "2a", "00", "00", "00", "00", "00", "00", "00");
        boolean hostPinBefore = Files.exists(Path.of("/sys/fs/bpf", MAP));
        byte[] elf = BpfTestObjects.bytes("pinned_by_name");
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); TestUser attacker = TestUser.create()) {
            daemon.admit(attacker);
            Path users = bpffs.path().resolve("users");
            Path own = users.resolve(Integer.toString(attacker.uid()));
            try (BpfkeeperClient client = attacker.client(daemon.socket())) {
                LoadedObject loaded = client.loadObject(LoadObjectRequest.of("pins", elf));
                BpfObject map = named(loaded, MAP);
                Path pin = own.resolve(MAP);

                assertThat(map.id()).as("not root's map").isNotEqualTo(rootsMap);
                assertThat(Bpftool.json("map", "show", "pinned", pin.toString()).get("id").asLong())
                        .isEqualTo(map.id());
                assertThat(Files.getAttribute(pin, "unix:uid")).as("the pin's owner").isEqualTo(attacker.uid());
                assertThat(Files.getAttribute(own, "unix:uid")).as("users/UID's owner").isEqualTo(attacker.uid());
                assertThat(Files.getAttribute(users, "unix:uid")).as("users' owner").isEqualTo(0);
                assertThat(client.get(Kind.MAP, map.id()).pins()).containsExactly(pin.toString());

                client.testRun(named(loaded, "count_runs").id(), PACKET, 3L);
                assertThat(client.mapLookup(map.id(), "00000000").orElseThrow().value()).isEqualTo("0300000000000000");
                assertThat(rootsValue(rootsMap)).isEqualTo(ROOTS_VALUE);

                LoadedObject again = client.loadObject(LoadObjectRequest.of("again", elf));
                assertThat(again.objects()).extracting(BpfObject::name).containsExactly("count_runs");
                client.testRun(named(again, "count_runs").id(), PACKET, 1L);
                assertThat(client.mapLookup(map.id(), "00000000").orElseThrow().value())
                        .as("the second load shares the pinned map").isEqualTo("0400000000000000");

                // Released with its first load's group, the map lives on in its pin, and the next
                // load takes it back as the caller's, with that pin recorded.
                client.releaseGroup(loaded.group());
                LoadedObject third = client.loadObject(LoadObjectRequest.of("third", elf));
                BpfObject takenBack = named(third, MAP);
                assertThat(takenBack.id()).isEqualTo(map.id());
                assertThat(takenBack.owner().uid()).isEqualTo(attacker.uid());
                assertThat(takenBack.pins()).containsExactly(pin.toString());

                // Its own directory is its to change: a symlink to root's pin in place of its own.
                attacker.run(() -> {
                    Files.delete(pin);
                    return Files.createSymbolicLink(pin, rootsPin);
                });
                var refused = expectError(BpfkeeperInterface.INVALID_PIN_PATH,
                        () -> client.loadObject(LoadObjectRequest.of("symlinked", elf)));
                assertThat(refused.parameters().get("reason").asText()).contains("symlink");
            }
            assertThat(rootsValue(rootsMap)).isEqualTo(ROOTS_VALUE);
            assertThat(Bpftool.json("map", "show", "pinned", rootsPin.toString()).get("id").asInt())
                    .isEqualTo(rootsMap);
            try (BpfkeeperClient root = daemon.client()) {
                assertThat(root.list(Kind.MAP, null)).extracting(BpfObject::id).doesNotContain((long) rootsMap);
            }
            assertThat(Files.exists(Path.of("/sys/fs/bpf", MAP))).isEqualTo(hostPinBefore);
        }
    }
}
