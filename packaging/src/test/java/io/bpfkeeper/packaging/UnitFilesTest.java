package io.bpfkeeper.packaging;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The units, sysusers and tmpfiles entries as the package installs them, checked by systemd's own
 * tools. systemd-analyze verify resolves ExecStart= paths and the units a unit names, so it runs on a
 * root made of the unpacked package, the host's systemd units and a /bin/sh.
 */
class UnitFilesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Path PRESERVE_DROP_IN = Path.of("/usr/share/bpfkeeper/systemd/fd-store-preserve.conf");

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
            assertVerifiesClean(unit);
        }
    }

    /**
     * systemd-analyze verify also runs man for each man: page in Documentation=, outside the root: MANPATH
     * points it at the package's pages.
     */
    private void assertVerifiesClean(Path unit) {
        Processes.Result verify = Processes.run(TIMEOUT, "env", "MANPATH=" + root.resolve("usr/share/man"),
                "systemd-analyze", "verify", "--root=" + root, unit.toString());
        assertThat(verify.exitCode()).as("systemd-analyze verify %s: %s", unit, verify.stderr()).isZero();
        // Unknown keys and bad values are only warnings, with exit code 0.
        assertThat(verify.stdout() + verify.stderr()).as("what systemd-analyze verify said of %s", unit).isEmpty();
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

    @Test
    void theServiceAndTheSocketPointToTheDaemonsManPage() throws IOException {
        unpackPackageWithSystemd();
        for (String unit : List.of("bpfkeeper.service", "bpfkeeper.socket")) {
            assertThat(Files.readAllLines(root.resolve("lib/systemd/system").resolve(unit)))
                    .as(unit).contains("Documentation=man:bpfkeeperd(8)");
        }
    }

    /**
     * What bpfkeeper-generator adds, as systemd runs it at boot and daemon-reload, for the systemd version that
     * a fake systemctl reports: systemd 252 does not know FileDescriptorStorePreserve=.
     */
    @ParameterizedTest
    @CsvSource({"252, false", "253, false", "254, true", "257, true"})
    void theGeneratorKeepsTheFdStoreAcrossAStopFromSystemd254On(int version, boolean preserves) throws IOException {
        unpackPackageWithSystemd();
        Path fakeBin = Files.createDirectories(root.resolve("fake-bin"));
        Files.writeString(fakeBin.resolve("systemctl"), """
                #!/bin/sh
                [ "$1" = --version ] || exit 1
                echo 'systemd %d (%d.1-1)'
                echo '+PAM +AUDIT +SELINUX -APPARMOR +IMA'
                """.formatted(version, version));
        Files.setPosixFilePermissions(fakeBin.resolve("systemctl"), PosixFilePermissions.fromString("rwxr-xr-x"));

        Path generated = runGenerator("PATH=" + fakeBin + ":/usr/bin:/bin");

        Path dropIn = generated.resolve("bpfkeeper.service.d/fd-store-preserve.conf");
        if (preserves) {
            assertThat(Files.readSymbolicLink(dropIn)).isEqualTo(PRESERVE_DROP_IN);
            assertThat(Files.readAllLines(root.resolve(PRESERVE_DROP_IN.toString().substring(1))))
                    .contains("[Service]", "FileDescriptorStorePreserve=yes");
        } else {
            assertThat(generated).isEmptyDirectory();
        }
    }

    @Test
    void theGeneratorAddsNothingWhenSystemctlSaysNoVersion() throws IOException {
        unpackPackageWithSystemd();
        Path fakeBin = Files.createDirectories(root.resolve("fake-bin"));
        Files.writeString(fakeBin.resolve("systemctl"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(fakeBin.resolve("systemctl"), PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(runGenerator("PATH=" + fakeBin + ":/usr/bin:/bin")).isEmptyDirectory();
    }

    /**
     * With this host's systemctl: the service and what the generator adds to it verify clean. verify reads
     * no generator directory under --root, nor follows an absolute symlink into it, so the drop-in is copied
     * to the root's /etc, where a copy of it would make systemd 252 warn of an unknown key.
     */
    @Test
    void whatTheGeneratorMakesOnThisHostVerifiesClean() throws IOException {
        unpackPackageWithSystemd();
        Path generated = runGenerator("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        int hostVersion = Integer.parseInt(Processes.run(TIMEOUT, "systemctl", "--version").requireSuccess()
                .stdout().lines().findFirst().orElseThrow().split(" ")[1]);
        Path dropIn = generated.resolve("bpfkeeper.service.d/fd-store-preserve.conf");
        assertThat(Files.exists(dropIn, NOFOLLOW_LINKS)).as("a drop-in for systemd %d", hostVersion)
                .isEqualTo(hostVersion >= 254);
        if (Files.exists(dropIn, NOFOLLOW_LINKS)) {
            Path target = root.resolve(Files.readSymbolicLink(dropIn).toString().substring(1));
            Files.copy(target, Files.createDirectories(root.resolve("etc/systemd/system/bpfkeeper.service.d"))
                    .resolve(dropIn.getFileName()));
        }

        assertVerifiesClean(root.resolve("lib/systemd/system/bpfkeeper.service"));
    }

    /** Runs the package's generator with the given PATH, as systemd would; returns its normal directory. */
    private Path runGenerator(String path) throws IOException {
        Path generated = Files.createDirectories(root.resolve("run/systemd/generator"));
        Path early = Files.createDirectories(root.resolve("run/systemd/generator.early"));
        Path late = Files.createDirectories(root.resolve("run/systemd/generator.late"));
        Processes.run(TIMEOUT, "env", path, root.resolve("lib/systemd/system-generators/bpfkeeper-generator").toString(),
                generated.toString(), early.toString(), late.toString()).requireSuccess();
        assertThat(early).isEmptyDirectory();
        assertThat(late).isEmptyDirectory();
        return generated;
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
