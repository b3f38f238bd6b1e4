package io.bpfkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.packaging.support.Repository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The .deb that the package phase built: its contents, its metadata, and lintian's verdict. */
class DebianPackageTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path deb = Repository.debianPackage();

    @Test
    void lintianReportsNoErrors() {
        Processes.Result lintian = Processes.run(TIMEOUT, "lintian", "--no-tag-display-limit", deb.toString());
        List<String> errors = lintian.stdout().lines().filter(line -> line.startsWith("E:")).toList();
        assertThat(errors).as("lintian's errors; all it said:%n%s%s", lintian.stdout(), lintian.stderr()).isEmpty();
        assertThat(lintian.exitCode()).as("lintian's exit code; it said:%n%s%s", lintian.stdout(), lintian.stderr())
                .isZero();
    }

    @Test
    void holdsTheLaunchersTheJarsTheUnitsAndTheirConfiguration() {
        List<String> files = Processes.run(TIMEOUT, "dpkg-deb", "--contents", deb.toString()).requireSuccess()
                .stdout().lines().map(line -> line.substring(line.indexOf("./") + 1)).toList();
        assertThat(files).contains(
                "/usr/bin/bpfkeeperd",
                "/usr/bin/bpfkeeper",
                "/usr/share/bpfkeeper/bin/launch-module",
                "/usr/share/bpfkeeper/daemon/netty-transport-native-epoll-linux-x86_64.jar",
                "/usr/share/bpfkeeper/cli/picocli.jar",
                "/lib/systemd/system/bpfkeeper.socket",
                "/lib/systemd/system/bpfkeeper.service",
                "/lib/systemd/system/bpfkeeper-bpffs.service",
                "/usr/lib/sysusers.d/bpfkeeper.conf",
                "/usr/lib/tmpfiles.d/bpfkeeper.conf",
                "/etc/default/bpfkeeper",
                "/usr/share/doc/bpfkeeper/copyright");
        assertThat(files).anyMatch(file -> file.matches("/usr/share/bpfkeeper/daemon/bpfkeeper-daemon-.*\\.jar"));
        assertThat(files).anyMatch(file -> file.matches("/usr/share/bpfkeeper/cli/bpfkeeper-cli-.*\\.jar"));
    }

    @Test
    void dependsOnAJava17RuntimeAndLibbpfAndKeepsTheDefaultsAsAConffile() {
        String depends = Processes.run(TIMEOUT, "dpkg-deb", "--field", deb.toString(), "Depends").requireSuccess()
                .stdout().strip();
        assertThat(depends).isEqualTo("default-jre-headless (>= 2:1.17) | java17-runtime-headless, libbpf1, systemd");
        String conffiles = Processes.run(TIMEOUT, "dpkg-deb", "--info", deb.toString(), "conffiles").requireSuccess()
                .stdout();
        assertThat(conffiles.lines()).containsExactly("/etc/default/bpfkeeper");
    }
}
