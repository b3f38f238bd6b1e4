package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pins of an object in every bpffs mounted in the daemon's mount namespace, found as
 * {@code bpftool -f} finds them: walk each mount without following symlinks, open every file with
 * BPF_OBJ_GET and ask which object it is.
 *
 * <p>A pin file's inode names one object for as long as it exists, so what a pin holds is
 * remembered by its inode (and modification time, against reuse), and the next scan opens only
 * files it has not seen. Hosts with thousands of pins then pay a directory walk, not thousands of
 * bpf() calls, per Explain. Each scan keeps only the files it saw.
 */
final class PinScan {

    /** A file seen by a scan, by device, inode and modification time. */
    private record SeenFile(Object fileKey, FileTime modified) {
    }

    private volatile Map<SeenFile, ObjectIdentity> seen = new ConcurrentHashMap<>();

    List<Holder.Pin> pinsOf(ObjectIdentity wanted) {
        Map<SeenFile, ObjectIdentity> previous = seen;
        Map<SeenFile, ObjectIdentity> current = new ConcurrentHashMap<>();
        List<Holder.Pin> pins = new ArrayList<>();
        for (Path mount : Mounts.ofType("bpf")) {
            try {
                Files.walkFileTree(mount, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (!attributes.isRegularFile()) {
                            return FileVisitResult.CONTINUE;
                        }
                        SeenFile key = new SeenFile(attributes.fileKey(), attributes.lastModifiedTime());
                        ObjectIdentity identity = previous.get(key);
                        if (identity == null) {
                            identity = identify(file);
                        }
                        if (identity != null) {
                            current.put(key, identity);
                        }
                        if (wanted.equals(identity)) {
                            pins.add(new Holder.Pin(file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // The mount went away while we walked it (a test's private bpffs): it pins nothing now.
            }
        }
        seen = current;
        return pins;
    }

    private static ObjectIdentity identify(Path file) {
        try (Fd fd = BpfFs.open(file)) {
            return ObjectIdentity.of(fd);
        } catch (BpfException e) {
            return null;
        }
    }
}
