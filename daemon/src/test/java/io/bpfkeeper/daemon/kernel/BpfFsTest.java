package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pins in a private bpffs through {@link BpfFs}, checked with bpftool and by id. */
@KernelTest
class BpfFsTest {

    private static final Duration FREE_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void pinIsTheMapForBpftool() {
        Path pin = bpffs.path().resolve("counters");
        try (BpfMap map = TestMaps.oneEntryArray("counters")) {
            BpfFs.pin(map.fd(), pin);

            assertThat(Bpftool.json("map", "show", "pinned", pin.toString()).get("id").asInt()).isEqualTo(map.id());
        }
    }

    @Test
    void openingThePinGivesAnFdOfTheSameMap() {
        Path pin = bpffs.path().resolve("reopened");
        try (BpfMap map = TestMaps.oneEntryArray("reopened")) {
            BpfFs.pin(map.fd(), pin);

            try (Fd opened = BpfFs.open(pin)) {
                assertThat(FdNumbers.of(opened)).isNotEqualTo(FdNumbers.of(map.fd()));
                assertThat(ObjectIdentity.of(opened)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, map.id()));
            }
        }
    }

    @Test
    void pinNameWithADotIsRefusedWithAHintAboutTheDot() throws IOException {
        Path pin = bpffs.path().resolve("my.map");
        try (BpfMap map = TestMaps.oneEntryArray("dotted")) {
            BpfException failure = catchThrowableOfType(BpfException.class, () -> BpfFs.pin(map.fd(), pin));

            assertThat(failure.errno()).isEqualTo(Errno.EPERM);
            assertThat(failure).hasMessage("pin at " + pin + ": BPF_OBJ_PIN: EPERM:"
                    + " bpffs refuses names that contain '.', or the directory is not writable");
            // Not Files.exists: bpffs answers every lookup of a dotted name with EPERM. The root
            // lists only what the kernel preloads there (maps.debug, progs.debug).
            try (Stream<Path> names = Files.list(bpffs.path()).map(Path::getFileName)) {
                assertThat(names).doesNotContain(pin.getFileName());
            }
        }
    }

    @Test
    void pinKeepsTheMapAfterEveryFdIsClosedAndUnlinkingItFreesTheMap() throws IOException {
        Path pin = bpffs.path().resolve("kept");
        int id;
        try (BpfMap map = TestMaps.oneEntryArray("kept")) {
            id = map.id();
            BpfFs.pin(map.fd(), pin);
        }

        assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();
        try (Fd reopened = BpfFs.open(pin)) {
            assertThat(ObjectIdentity.of(reopened)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, id));
        }

        Files.delete(pin);
        Eventually.until(FREE_TIMEOUT, () -> !KernelIds.exists(ObjectKind.MAP, id),
                "map " + id + " is freed once its only pin is unlinked");
    }
}
