package io.bpfkeeper.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

/**
 * A group of its own for a daemon's socket, as the {@code bpfkeeper} group of the package: the
 * socket is mode 0660 with that group, its directory lets anyone through to it, and a
 * {@link TestUser} that joins the group may connect. Closing deletes the group.
 */
public final class SocketGroup implements AutoCloseable {

    private final String name;

    private SocketGroup(String name) {
        this.name = name;
    }

    /** Makes the group and gives {@code socket} to it. */
    public static SocketGroup create(Path socket) {
        String name = "bpfkts" + UUID.randomUUID().toString().substring(0, 8);
        Processes.run(Duration.ofSeconds(30), "groupadd", "--system", name).requireSuccess();
        try {
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            Processes.run(Duration.ofSeconds(30), "chgrp", name, socket.toString()).requireSuccess();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SocketGroup(name);
    }

    public void admit(TestUser user) {
        user.joinGroup(name);
    }

    @Override
    public void close() {
        Processes.run(Duration.ofSeconds(30), "groupdel", name);
    }
}
