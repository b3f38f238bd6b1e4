package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Diagnostic commands to another JVM, the daemon, through the jcmd tool. */
final class Jcmd {

    private Jcmd() {
    }

    /** Runs {@code jcmd PID COMMAND...} and returns what it printed. */
    static String run(long pid, String... command) throws IOException, InterruptedException {
        // The jcmd of the JDK that runs the harness, which is the daemon's, since both come from PATH or JAVA.
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> arguments = new ArrayList<>(List.of(Path.of(java).resolveSibling("jcmd").toString(),
                Long.toString(pid)));
        arguments.addAll(List.of(command));
        Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", arguments) + " failed: " + output);
        }
        return output;
    }
}
