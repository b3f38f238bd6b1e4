package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.DirectoryReader;
import io.bpfkeeper.daemon.kernel.DirectoryReader.FileVersion;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins of an object in every bpffs mounted in the daemon's mount namespace, found as
 * {@code bpftool -f} finds them: walk each mount without following symlinks, open every file with
 * BPF_OBJ_GET and ask which object it is.
 *
 * <p>What a pin holds is remembered by its file's device, inode and modification time, and the
 * next scan opens only files it has not seen: hosts with thousands of pins then pay a directory
 * walk and an fstatat per pin, not thousands of bpf() calls, per Explain. This cannot go stale
 * between two scans: a bpffs inode refers to one object from its creation to its removal (BPF_OBJ_PIN
 * makes a new inode; nothing repoints one), and a new pin is taken for a file that the last scan saw
 * only if it has both the same inode number, which the kernel hands out again only after its 32-bit
 * counter wraps, and the same modification time to the nanosecond. Each scan keeps only the files it saw.
 */
final class PinScan {

    private static final ThreadLocal<DirectoryReader> READER = ThreadLocal.withInitial(DirectoryReader::new);

    private volatile Map<FileVersion, ObjectIdentity> seen = new HashMap<>();

    List<Holder.Pin> pinsOf(ObjectIdentity wanted) {
        Walk walk = new Walk(wanted, seen);
        for (Path mount : Mounts.ofType("bpf")) {
            walk.directory(mount);
        }
        seen = walk.current;
        return walk.pins;
    }

    /** One scan: what it looks for, what the last scan knew, and what this one finds. */
    private static final class Walk {

        private final ObjectIdentity wanted;
        private final Map<FileVersion, ObjectIdentity> previous;
        private final Map<FileVersion, ObjectIdentity> current = new HashMap<>();
        private final List<Holder.Pin> pins = new ArrayList<>();
        private final DirectoryReader reader = READER.get();

        Walk(ObjectIdentity wanted, Map<FileVersion, ObjectIdentity> previous) {
            this.wanted = wanted;
            this.previous = previous;
        }

        /**
         * Identifies the files of {@code path}, then walks its subdirectories: the reader's buffer
         * holds one directory at a time. bpffs fills in every entry's type, so none needs a stat
         * to tell a directory, a pin and a symlink apart; symlinks are not followed.
         */
        void directory(Path path) {
            List<String> subdirectories = new ArrayList<>();
            reader.list(path.toString(), (directory, type, start, end) -> {
                if (type == DirectoryReader.DT_DIR) {
                    subdirectories.add(reader.name(start, end));
                } else if (type == DirectoryReader.DT_REG) {
                    file(path, directory, start, end);
                }
            });
            for (String subdirectory : subdirectories) {
                directory(path.resolve(subdirectory));
            }
        }

        private void file(Path parent, int directory, int start, int end) {
            FileVersion version = reader.version(directory, start);
            if (version == null) {
                return; // removed meanwhile: it pins nothing now
            }
            ObjectIdentity identity = previous.get(version);
            if (identity == null) {
                identity = identify(parent.resolve(reader.name(start, end)));
                if (identity == null) {
                    return; // not a BPF object, or removed meanwhile
                }
            }
            current.put(version, identity);
            if (wanted.equals(identity)) {
                pins.add(new Holder.Pin(parent.resolve(reader.name(start, end))));
            }
        }
    }

    private static ObjectIdentity identify(Path file) {
        try (Fd fd = BpfFs.open(file)) {
            return ObjectIdentity.of(fd);
        } catch (BpfException e) {
            return null;
        }
    }
}
