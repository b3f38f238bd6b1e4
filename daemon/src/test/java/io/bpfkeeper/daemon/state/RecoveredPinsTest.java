package io.bpfkeeper.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.registry.LostObject;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the daemon takes back at start from the pins it recorded, when a client changed its own
 * directories while the daemon was down. Each non-root uid owns users/UID under the pin root and may
 * rename anything in it, so the daemon reopens a recorded pin as it opens a client's: beneath the
 * pin root, through no symlink. Root's objects are judged by bpftool.
 */
@KernelTest
class RecoveredPinsTest extends DaemonWithAttacker {

    private static final String KEY_ZERO = "00000000";
    private static final String ROOTS_VALUE = "1122334455667788";

    /** Root's own bpffs, outside the pin root, with a directory of pins that only root may enter. */
    @RegisterExtension
    final PrivateBpffs outside = new PrivateBpffs();

    /**
     * The attacker pins a map of its own in a directory under users/UID. While the daemon is down, it
     * moves that directory away and puts a symlink in its place, to root's directory of pins, where
     * root's map is pinned under the same name. The restarted daemon takes nothing of root's for the
     * attacker's record, and the record's reason tells nothing of what lies behind the symlink.
     */
    @Test
    void aDirectorySwappedForASymlinkWhileTheDaemonIsDownLeadsItToNothingOfRoots() throws Exception {
        Path rootsDirectory = Files.createDirectory(outside.path().resolve("roots"));
        Files.setPosixFilePermissions(rootsDirectory, PosixFilePermissions.fromString("rwx------"));
        Path rootsPin = rootsDirectory.resolve("counters");
        int rootsMap = Bpftool.createPinnedArrayMap(rootsPin, "roots");
        Bpftool.json("map", "update", "pinned", rootsPin.toString(), "key", "hex", "00", "00", "00", "00",
                "value", "hex", "11", "22", "33", "44", "55", "66", "77", "88");
        Path own = bpffs.path().resolve("users").resolve(Integer.toString(attacker.uid()));
        Path recordedPin = own.resolve("app/counters");
        int attackersMap = (int) client.createMap(CreateMapRequest.of("counters", "array", 4, 8, 1)
                .withPin(bpffs.path().relativize(recordedPin).toString())).id();
        daemon.stop();

        attacker.run(() -> {
            Files.move(own.resolve("app"), own.resolve("moved"));
            return Files.createSymbolicLink(own.resolve("app"), rootsDirectory);
        });

        try (TestDaemon restarted = TestDaemon.startIn(daemon.directory(), bpffs.path(), List.of())) {
            Registry registry = restarted.daemon().registry();
            assertThat(registry.list(object -> true)).extracting(OwnedObject::id).doesNotContain(rootsMap);
            assertThat(registry.get(Kind.MAP, attackersMap)).as("the attacker's record, taken back").isEmpty();
            assertThat(registry.lost()).filteredOn(lost -> lost.key().equals(new ObjectKey(Kind.MAP, attackersMap)))
                    .extracting(LostObject::reason).containsExactly("the way to the pin " + recordedPin
                            + " goes through a symlink, which the daemon does not follow");
        }
        assertThat(HexFormat.of().formatHex(Bpftool.mapLookup(rootsMap, HexFormat.of().parseHex(KEY_ZERO))))
                .as("root's map, read by bpftool").isEqualTo(ROOTS_VALUE);
        assertThat(Files.exists(rootsPin)).as("root's pin").isTrue();
    }
}
