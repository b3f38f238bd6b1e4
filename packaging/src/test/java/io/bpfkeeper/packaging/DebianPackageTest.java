package io.bpfkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.Processes;
import io.bpfkeeper.packaging.support.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The .deb that the package phase built: its contents, its metadata, and lintian's verdict. */
class DebianPackageTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Path deb = Repository.debianPackage();

    @TempDir
    Path root;

    @Test
    void lintianReportsNoErrorsAndNoWarnings() {
        Processes.Result lintian = Processes.run(TIMEOUT, "lintian", "--tag-display-limit", "0", deb.toString());
        List<String> complaints = lintian.stdout().lines()
                .filter(line -> line.startsWith("E:") || line.startsWith("W:")).toList();
        assertThat(complaints).as("lintian's errors and warnings; all it said:%n%s%s", lintian.stdout(),
                lintian.stderr()).isEmpty();
        assertThat(lintian.exitCode()).as("lintian's exit code; it said:%n%s%s", lintian.stdout(), lintian.stderr())
                .isZero();
    }

    @Test
    void holdsTheLaunchersTheJarsTheUnitsAndTheirConfiguration() {
        List<String> files = Processes.run(TIMEOUT, "dpkg-deb", "--contents", deb.toString()).requireSuccess()
                .stdout().lines().map(line -> line.substring(line.indexOf("./") + 1))
                .map(line -> line.replaceFirst(" -> .*", "")).toList();
        assertThat(files).contains(
                "/usr/bin/bpfkeeperd",
                "/usr/bin/bpfkeeper",
                "/usr/share/bpfkeeper/bin/launch-module",
                "/usr/share/bpfkeeper/daemon/netty-transport-native-epoll-linux-x86_64.jar",
                "/usr/share/bpfkeeper/cli/picocli.jar",
                "/lib/systemd/system/bpfkeeper.socket",
                "/lib/systemd/system/bpfkeeper.service",
                "/lib/systemd/system/bpfkeeper-bpffs.service",
                "/lib/systemd/system-generators/bpfkeeper-generator",
                "/usr/share/bpfkeeper/systemd/fd-store-preserve.conf",
                "/usr/lib/sysusers.d/bpfkeeper.conf",
                "/usr/lib/tmpfiles.d/bpfkeeper.conf",
                "/etc/default/bpfkeeper",
                "/usr/share/doc/bpfkeeper/copyright",
                "/usr/share/man/man1/bpfkeeper.1.gz",
                "/usr/share/man/man8/bpfkeeperd.8.gz",
                "/usr/share/man/man5/bpfkeeper-policy.5.gz",
                "/usr/share/bash-completion/completions/bpfkeeper",
                "/usr/share/lintian/overrides/bpfkeeper");
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

    @ParameterizedTest
    @ValueSource(strings = {"man1/bpfkeeper.1.gz", "man8/bpfkeeperd.8.gz", "man5/bpfkeeper-policy.5.gz"})
    void manPageRendersWithoutWarnings(String page) throws IOException {
        Path source = uncompressed(unpack().resolve("usr/share/man").resolve(page));

        Processes.Result groff = Processes.run(TIMEOUT, "groff", "-ww", "-man", "-Tutf8", source.toString());
        assertThat(groff.exitCode()).as("groff's exit code; it said: %s", groff.stderr()).isZero();
        assertThat(groff.stderr()).as("groff's warnings about %s", page).isEmpty();

        Processes.Result man = Processes.run(TIMEOUT, "man", "--warnings", "-l", source.toString());
        assertThat(man.exitCode()).as("man -l's exit code; it said: %s", man.stderr()).isZero();
        assertThat(man.stderr()).as("man's warnings about %s", page).isEmpty();
        assertThat(man.stdout()).contains("NAME", "DESCRIPTION");
    }

    @Test
    void theClientsPageDescribesEveryCommandAndTheDaemonsEveryOption() throws IOException {
        Path man = unpack().resolve("usr/share/man");
        String client = rendered(man.resolve("man1/bpfkeeper.1.gz"));
        assertThat(client).contains("bpfkeeper map update-batch", "bpfkeeper prog load", "bpfkeeper release",
                "--socket=PATH", "--json", "EXIT STATUS", "BPFKEEPER_SOCKET");

        String daemon = rendered(man.resolve("man8/bpfkeeperd.8.gz"));
        for (OptionSpec option : new CommandLine(new io.bpfkeeper.daemon.Main()).getCommandSpec().options()) {
            if (option.hidden()) {
                assertThat(daemon).doesNotContain(option.longestName());
            } else {
                assertThat(daemon).contains(option.longestName());
            }
        }
        assertThat(daemon).contains("SIGHUP", "SIGTERM", "/etc/bpfkeeper/policy.d", "/var/lib/bpfkeeper",
                "/run/bpfkeeper/bpfkeeper.sock", "/sys/fs/bpf", "EXIT STATUS", "143");

        String policy = rendered(man.resolve("man5/bpfkeeper-policy.5.gz"));
        assertThat(policy).contains("pinPrefix", "adoptForeign", "bpfkeeperd --check-policy DIR");
    }

    @Test
    void bashCompletesTheSubcommandsOfMap() throws IOException {
        Path completion = unpack().resolve("usr/share/bash-completion/completions/bpfkeeper");
        // As bash-completion calls the function that the script registers for bpfkeeper.
        String script = """
                source "$1"
                function=$(complete -p bpfkeeper | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')
                COMP_WORDS=(bpfkeeper map up)
                COMP_CWORD=2
                COMP_LINE='bpfkeeper map up'
                COMP_POINT=${#COMP_LINE}
                "$function" bpfkeeper up map
                printf '%s\\n' "${COMPREPLY[@]}"
                """;
        Processes.Result bash = Processes.run(TIMEOUT, "bash", "-c", script, "bash", completion.toString())
                .requireSuccess();
        assertThat(bash.stdout().lines().map(String::strip)).containsExactlyInAnyOrder("update", "update-batch");
    }

    private Path unpack() {
        Processes.run(TIMEOUT, "dpkg-deb", "--extract", deb.toString(), root.toString()).requireSuccess();
        return root;
    }

    private Path uncompressed(Path gzipped) throws IOException {
        String name = gzipped.getFileName().toString();
        Path page = root.resolve(name.substring(0, name.length() - ".gz".length()));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
            Files.copy(in, page);
        }
        return page;
    }

    /** The page as man prints it to a file, plain text, with each run of blanks (line breaks included) as one. */
    private String rendered(Path gzipped) {
        try {
            return Processes.run(TIMEOUT, "env", "MANWIDTH=200", "man", "-l", uncompressed(gzipped).toString())
                    .requireSuccess().stdout().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
