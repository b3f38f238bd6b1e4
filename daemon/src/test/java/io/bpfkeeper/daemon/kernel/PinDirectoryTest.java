package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resolution under a pin root by fd, checked against the filesystem and bpftool. */
@KernelTest
class PinDirectoryTest {

    private static final int SOMEONE = 54321;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @TempDir
    Path tmp;

    @Test
    void thisKernelTakesBpfFPathFd() {
        assertThat(BpfFs.supportsPathFd()).isTrue();
    }

    /** With BPF_F_PATH_FD (which proves attr.path_fd's offset), and the way of kernels before 6.5. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void makesADirectoryForItsOwnerPinsInItAndRemovesThePin(boolean pathFd) throws Exception {
        try (PinDirectory root = PinDirectory.open(bpffs.path(), pathFd);
                Fd top = root.directory("");
                Fd made = PinDirectory.makeDirectory(top, "made", SOMEONE, SOMEONE);
                BpfMap map = TestMaps.oneEntryArray("pinned")) {
            Path directory = bpffs.path().resolve("made");
            assertThat(Files.getAttribute(directory, "unix:uid")).isEqualTo(SOMEONE);
            assertThat(PinDirectory.status(made).uid()).isEqualTo(SOMEONE);

            root.pin(map.fd(), made, "pin");
            assertThat(Bpftool.json("map", "show", "pinned", directory.resolve("pin").toString()).get("id").asInt())
                    .isEqualTo(map.id());
            try (Fd entry = PinDirectory.entry(made, "pin"); Fd opened = BpfFs.open(entry)) {
                assertThat(PinDirectory.status(entry).isRegularFile()).isTrue();
                assertThat(ObjectIdentity.of(opened)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, map.id()));
                PinDirectory.chown(entry, SOMEONE, SOMEONE);
            }
            assertThat(Files.getAttribute(directory.resolve("pin"), "unix:uid")).isEqualTo(SOMEONE);

            PinDirectory.unlink(made, "pin");
            assertThat(directory.resolve("pin")).doesNotExist();
        }
    }

    @Test
    void refusesSymlinksMountsAndEscapes() throws Exception {
        Files.createDirectory(bpffs.path().resolve("real"));
        Files.createSymbolicLink(bpffs.path().resolve("link"), bpffs.path().resolve("real"));
        try (PinDirectory root = PinDirectory.open(bpffs.path())) {
            assertThat(catchThrowableOfType(BpfException.class, () -> root.directory("link")).errno())
                    .isEqualTo(Errno.ELOOP);
            assertThat(catchThrowableOfType(BpfException.class, () -> root.directory("real/../..")).errno())
                    .isEqualTo(Errno.EXDEV);
            try (Fd real = root.directory("real")) {
                assertThat(PinDirectory.status(real).uid()).as("root made it").isZero();
            }
        }
    }

    @Test
    void aRootThatIsNoBpffsIsRefused() {
        assertThat(catchThrowableOfType(BpfException.class, () -> PinDirectory.open(tmp)).errno())
                .isEqualTo(Errno.EINVAL);
    }
}
