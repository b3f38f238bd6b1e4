package io.bpfkeeper.daemon.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * User and group names to ids, from /etc/passwd and /etc/group, when a policy is read. A rule names
 * a user or group that exists when the policy is read; NSS sources other than these files are not
 * consulted, so rules for such accounts name them by id.
 */
final class Accounts {

    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");

    private Accounts() {
    }

    /** A number is an id as it is; a name is looked up. */
    static OptionalInt uid(String user) {
        return idOf(user, PASSWD);
    }

    static OptionalInt gid(String group) {
        return idOf(group, GROUP);
    }

    private static OptionalInt idOf(String nameOrId, Path database) {
        if (nameOrId.matches("[0-9]{1,10}")) {
            long id = Long.parseLong(nameOrId);
            return id <= 0xfffffffeL ? OptionalInt.of((int) id) : OptionalInt.empty();
        }
        try {
            for (String line : Files.readAllLines(database)) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[0].equals(nameOrId) && fields[2].matches("[0-9]{1,10}")) {
                    return OptionalInt.of((int) Long.parseLong(fields[2]));
                }
            }
            return OptionalInt.empty();
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
