package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * bpftool, the baseline of the benchmarks that compare the daemon with the tool an operator would
 * run instead: a process of its own each time, as from a shell, so that its fork and exec count.
 */
final class Bpftool {

    private Bpftool() {
    }

    /** Runs {@code bpftool ARGUMENT...}, dropping what it prints, and fails when it does. */
    static void run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bpftool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + status + ": " + errors.strip());
        }
    }
}
