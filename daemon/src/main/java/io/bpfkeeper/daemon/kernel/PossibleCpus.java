package io.bpfkeeper.daemon.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The number of possible CPUs, which sizes per-CPU map values. This is the kernel's
 * {@code num_possible_cpus()}, not the online count: the kernel copies a slot for every possible
 * CPU, as libbpf's {@code libbpf_num_possible_cpus()} does.
 */
public final class PossibleCpus {

    private static final int COUNT = read(Path.of("/sys/devices/system/cpu/possible"));

    private PossibleCpus() {
    }

    public static int count() {
        return COUNT;
    }

    /** Parses a CPU list such as "0-3,5,7-8". */
    static int parse(String list) {
        int count = 0;
        for (String range : list.trim().split(",")) {
            int dash = range.indexOf('-');
            if (dash < 0) {
                count++;
            } else {
                count += Integer.parseInt(range.substring(dash + 1)) - Integer.parseInt(range.substring(0, dash)) + 1;
            }
        }
        return count;
    }

    private static int read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the possible CPUs from " + file, e);
        }
    }
}
