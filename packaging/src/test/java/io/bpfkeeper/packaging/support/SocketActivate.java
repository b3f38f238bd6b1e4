package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.testing.Processes;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The socket-activate helper (src/test/resources/native/socket-activate.c), compiled once per JVM
 * beside its source in the test classes. It starts a program with chosen fds of this JVM as fds 3,
 * 4, ... and LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID set, as systemd does.
 */
final class SocketActivate {

    private static Path executable;

    private SocketActivate() {
    }

    static synchronized Path executable() {
        if (executable == null) {
            URL source = SocketActivate.class.getResource("/native/socket-activate.c");
            if (source == null) {
                throw new IllegalStateException("native/socket-activate.c is not on the test classpath");
            }
            try {
                Path sourcePath = Path.of(source.toURI());
                Path built = sourcePath.resolveSibling("socket-activate");
                if (!Files.isExecutable(built) || Files.getLastModifiedTime(built).compareTo(
                        Files.getLastModifiedTime(sourcePath)) < 0) {
                    Processes.run(Duration.ofMinutes(2), "gcc", "-Wall", "-Wextra", "-Werror", "-O2", "-o",
                            built.toString(), sourcePath.toString()).requireSuccess();
                }
                executable = built;
            } catch (URISyntaxException | java.io.IOException e) {
                throw new IllegalStateException("cannot build socket-activate: " + e.getMessage(), e);
            }
        }
        return executable;
    }
}
