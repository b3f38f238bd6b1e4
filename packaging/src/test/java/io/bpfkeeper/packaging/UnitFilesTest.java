package io.bpfkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.packaging.support.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The units, sysusers and tmpfiles entries as the package installs them, checked by systemd's own
 * tools. systemd-analyze verify resolves ExecStart= paths and the units a unit names, so it runs on a
 * root made of the unpacked package, the host's systemd units and a /bin/sh.
 */
class UnitFilesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path root;

    @Test
    void systemdAnalyzeVerifyFindsNothingToSayAboutAnyUnit() throws IOException {
        unpackPackageWithSystemd();
        List<Path> units;
        try (Stream<Path> files = Files.list(root.resolve("lib/systemd/system"))) {
            units = files.filter(path -> path.getFileName().toString().startsWith("bpfkeeper")).sorted().toList();
        }
        assertThat(units).extracting(path -> path.getFileName().toString())
                .containsExactly("bpfkeeper-bpffs.service", "bpfkeeper.service", "bpfkeeper.socket");
        for (Path unit : units) {
            Processes.Result verify = Processes.run(TIMEOUT, "systemd-analyze", "verify", "--root=" + root,
                    unit.toString());
            assertThat(verify.exitCode()).as("systemd-analyze verify %s: %s", unit, verify.stderr()).isZero();
            // Unknown keys and bad values are only warnings, with exit code 0.
            assertThat(verify.stdout() + verify.stderr()).as("what systemd-analyze verify said of %s", unit)
                    .isEmpty();
        }
    }

    @Test
    void sysusersCreatesTheGroupAndTmpfilesTheStateDirectory() throws IOException {
        unpackPackageWithSystemd();
        Processes.run(TIMEOUT, "systemd-sysusers", "--root=" + root, "bpfkeeper.conf").requireSuccess();
        assertThat(Files.readAllLines(root.resolve("etc/group"))).anyMatch(line -> line.startsWith("bpfkeeper:x:"));

        Processes.run(TIMEOUT, "systemd-tmpfiles", "--root=" + root, "--create", "bpfkeeper.conf").requireSuccess();
        Path state = root.resolve("var/lib/bpfkeeper");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
    }

    private void unpackPackageWithSystemd() throws IOException {
        Processes.run(TIMEOUT, "dpkg-deb", "--extract", Repository.debianPackage().toString(), root.toString())
                .requireSuccess();
        Path hostUnits = Path.of("/usr/lib/systemd/system");
        Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(hostUnits)) {
            for (Path unit : files.filter(Files::isRegularFile).toList()) {
                Files.copy(unit, units.resolve(unit.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/sh").toRealPath(), root.resolve("bin/sh"), StandardCopyOption.COPY_ATTRIBUTES);
    }
}
