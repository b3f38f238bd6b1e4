package io.bpfkeeper.daemon.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code /proc/PID/fdinfo/N}: the kernel's "key:\tvalue" lines about one open fd. For BPF fds they
 * name the object ({@code map_id}, {@code prog_id}, {@code link_id}) and what it costs
 * ({@code memlock}), without a bpf() call and for fds of any process.
 */
public final class FdInfo {

    private final Map<String, String> fields;

    private FdInfo(Map<String, String> fields) {
        this.fields = fields;
    }

    /** The fdinfo of fd {@code fd} of process {@code pid}; empty when either is gone. */
    public static FdInfo read(int pid, int fd) {
        return read(Path.of("/proc/" + pid + "/fdinfo/" + fd));
    }

    /** The fdinfo of one of this process's own fds. */
    public static FdInfo ofOwn(Fd fd) {
        try (Fd.Lease lease = fd.lease()) {
            return read(Path.of("/proc/self/fdinfo/" + lease.number()));
        }
    }

    private static FdInfo read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return new FdInfo(Map.of());
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return new FdInfo(fields);
    }

    /** A numeric field, or empty when the fd has no such field (or no longer exists). */
    public OptionalLong number(String field) {
        String value = fields.get(field);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The kernel id of the BPF object of this kind behind the fd, if it is one. */
    public OptionalLong objectId(ObjectKind kind) {
        return number(kind.fdInfoIdField());
    }

    /** Bytes of memory the object charges to its creator, as bpftool's "bytes_memlock" shows. */
    public long memlockBytes() {
        return number("memlock").orElse(0);
    }
}
