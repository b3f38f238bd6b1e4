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
import java.util.ArrayList;
import java.util.List;

/**
 * The pins of an object in every bpffs mounted in the daemon's mount namespace, found as
 * {@code bpftool -f} finds them: walk each mount without following symlinks, open every file with
 * BPF_OBJ_GET and ask which object it is.
 */
final class PinScan {

    private PinScan() {
    }

    static List<Holder.Pin> pinsOf(ObjectIdentity wanted) {
        List<Holder.Pin> pins = new ArrayList<>();
        for (Path mount : Mounts.ofType("bpf")) {
            try {
                Files.walkFileTree(mount, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (attributes.isRegularFile() && wanted.equals(identify(file))) {
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
