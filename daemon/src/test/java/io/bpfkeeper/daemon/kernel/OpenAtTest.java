package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.OpenAt.O_CLOEXEC;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_DIRECTORY;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_NOFOLLOW;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.daemon.testing.BpffsMount;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stepwise walk that stands in for openat2 where a seccomp filter or an old kernel lacks it
 * refuses what openat2's confinement refuses: a symlink, "..", and another mount.
 */
@KernelTest
class OpenAtTest {

    private static final int DIRECTORY = O_PATH | O_DIRECTORY | O_CLOEXEC;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void stepwiseOpensWhatIsBelowAndRefusesSymlinksDotDotAndOtherMounts() throws Exception {
        Path below = Files.createDirectories(bpffs.path().resolve("a/b"));
        Files.createSymbolicLink(bpffs.path().resolve("link"), bpffs.path().resolve("a"));
        Path mountPoint = Files.createDirectories(bpffs.path().resolve("a/other"));
        try (BpffsMount other = BpffsMount.create(); Fd root = OpenAt.path(bpffs.path().toString(), DIRECTORY)) {
            Files.createDirectories(other.path().resolve("x"));
            Processes.run(Duration.ofSeconds(30), "mount", "--bind", other.path().toString(), mountPoint.toString())
                    .requireSuccess();
            try {
                try (Fd opened = OpenAt.stepwise(root, "a/b", DIRECTORY)) {
                    assertThat(PinDirectory.status(opened).device()).isEqualTo(Files.getAttribute(below, "unix:dev"));
                }
                try (Fd itself = OpenAt.stepwise(root, "link", O_PATH | O_NOFOLLOW | O_CLOEXEC)) {
                    assertThat(PinDirectory.status(itself).isSymlink()).as("a trailing symlink, not followed").isTrue();
                }
                for (String refused : List.of("link/b", "../x", "a/../a", "a/other/x", "a//b")) {
                    BpfException failure = catchThrowableOfType(BpfException.class,
                            () -> OpenAt.stepwise(root, refused, DIRECTORY).close());
                    assertThat(failure).as(refused).isNotNull();
                    assertThat(failure.errno()).as(refused).isIn(Errno.ELOOP, Errno.ENOTDIR, Errno.EXDEV);
                }
            } finally {
                Processes.run(Duration.ofSeconds(30), "umount", mountPoint.toString()).requireSuccess();
            }
        }
    }
}
