package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@KernelTest
class PrivateBpffsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @RegisterExtension
    final PrivateBpffs otherBpffs = new PrivateBpffs();

    @Test
    void isABpffs() {
        assertThat(filesystemType(bpffs.path())).isEqualTo("bpf_fs");
    }

    @Test
    void instancesAreIndependent() {
        Path pin = bpffs.path().resolve("only_here");
        Bpftool.createPinnedArrayMap(pin, "only_here");

        assertThat(otherBpffs.path()).isNotEqualTo(bpffs.path());
        assertThat(pin).exists();
        assertThat(otherBpffs.path().resolve("only_here")).doesNotExist();
    }

    @Test
    void closingUnmountsDropsThePinsAndDeletesTheMountPoint() {
        BpffsMount mount = BpffsMount.create();
        Path pin = mount.path().resolve("dropped");
        int mapId = Bpftool.createPinnedArrayMap(pin, "dropped");

        mount.close();

        assertThat(mount.path()).doesNotExist();
        Eventually.until(TIMEOUT, () -> !mapExists(mapId),
                "map " + mapId + " is freed once the only bpffs pinning it is unmounted");
    }

    @Test
    void closingSucceedsWhileTheMountIsBusy() throws Exception {
        BpffsMount mount = BpffsMount.create();
        Path directory = Files.createDirectory(mount.path().resolve("busy"));

        // An open directory makes a plain umount fail with EBUSY.
        DirectoryStream<Path> openDirectory = Files.newDirectoryStream(directory);
        try {
            mount.close();
        } finally {
            openDirectory.close();
        }

        assertThat(mount.path()).doesNotExist();
    }

    private static boolean mapExists(int id) {
        return Processes.run(TIMEOUT, "bpftool", "map", "show", "id", Integer.toString(id)).exitCode() == 0;
    }

    private static String filesystemType(Path path) {
        return Processes.run(TIMEOUT, "stat", "-f", "-c", "%T", path.toString()).requireSuccess().stdout().strip();
    }
}
