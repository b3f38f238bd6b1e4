package io.bpfkeeper.daemon.kernel;

import io.bpfkeeper.daemon.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Asks the installed {@code <linux/bpf.h>} and the netlink headers for numbers by compiling C with
 * gcc, so that the tests compare our hand-written constants with what the C compiler computes
 * instead of with a second hand-written copy.
 */
public final class HeaderProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String INCLUDES = "#include <stddef.h>\n#include <stdio.h>\n#include <sys/socket.h>\n"
            + "#include <linux/bpf.h>\n#include <linux/netlink.h>\n#include <linux/rtnetlink.h>\n"
            + "#include <linux/if_link.h>\n#include <linux/pkt_sched.h>\n#include <linux/pkt_cls.h>\n";

    private HeaderProbe() {
    }

    /** The value of each integer constant expression, such as {@code offsetof(union bpf_attr, key)}. */
    public static List<Long> evaluate(List<String> expressions) {
        String printfs = expressions.stream()
                .map(expression -> "    printf(\"%lld\\n\", (long long) (" + expression + "));\n")
                .collect(Collectors.joining());
        String source = INCLUDES + "int main(void) {\n" + printfs + "    return 0;\n}\n";
        return inTemporaryDirectory(directory -> {
            Path executable = compile(directory, source);
            String output = Processes.run(TIMEOUT, executable.toString()).requireSuccess().stdout();
            return output.lines().map(Long::parseLong).toList();
        });
    }

    /** Whether an expression compiles against the header, e.g. whether a struct has a member. */
    public static boolean compiles(String expression) {
        String source = INCLUDES + "long long probe(void) { return (long long) (" + expression + "); }\n";
        return inTemporaryDirectory(directory -> {
            Path file = write(directory, source);
            return Processes.run(TIMEOUT, "gcc", "-fsyntax-only", file.toString()).exitCode() == 0;
        });
    }

    /** The header after the preprocessor: no comments, every macro expanded. */
    static String preprocessedHeader() {
        return inTemporaryDirectory(directory -> {
            Path file = write(directory, INCLUDES);
            return Processes.run(TIMEOUT, "gcc", "-E", "-P", file.toString()).requireSuccess().stdout();
        });
    }

    private static Path compile(Path directory, String source) {
        Path file = write(directory, source);
        Path executable = directory.resolve("probe");
        Processes.run(TIMEOUT, "gcc", "-Wall", "-Werror", "-o", executable.toString(), file.toString())
                .requireSuccess();
        return executable;
    }

    private static Path write(Path directory, String source) {
        try {
            return Files.writeString(directory.resolve("probe.c"), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T inTemporaryDirectory(Function<Path, T> action) {
        Path directory;
        try {
            directory = Files.createTempDirectory("header-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return action.apply(directory);
        } finally {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
