package io.bpfkeeper.daemon.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mounts of this process's mount namespace, from /proc/self/mountinfo. */
public final class Mounts {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {
    }

    /** Mount points of every mount of filesystem type {@code type}, such as "bpf" or "cgroup2". */
    public static List<Path> ofType(String type) {
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> points = new ArrayList<>();
        for (String line : lines) {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": optional fields end at "-".
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator > 4 && separator + 1 < fields.length && fields[separator + 1].equals(type)) {
                points.add(Path.of(unescape(fields[4])));
            }
        }
        return points;
    }

    /** The kernel writes space, tab, newline and backslash in mount points as octal escapes. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
