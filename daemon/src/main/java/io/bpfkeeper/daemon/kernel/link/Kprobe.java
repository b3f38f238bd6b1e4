package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import io.bpfkeeper.daemon.kernel.ProgramType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kprobe and kretprobe links: a kprobe program on entry to, or return from, a kernel function,
 * through a perf event of the kernel's "kprobe" PMU.
 */
public final class Kprobe {

    private static final Path PMU = Path.of("/sys/bus/event_source/devices/kprobe");
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");
    /** Kernel symbols: C identifiers, with '.' in compiler-made ones such as "foo.isra.0". */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_.]+");
    /** format/retprobe says which bit of config asks for a return probe, such as "config:0". */
    private static final Pattern CONFIG_BIT = Pattern.compile("config:(\\d+)");

    private Kprobe() {
    }

    /**
     * @param offset bytes into the function, for a kprobe; 0 for its entry
     * @param onReturn a kretprobe rather than a kprobe
     */
    public record Options(String function, long offset, boolean onReturn) implements AttachOptions {
        @Override
        public String toString() {
            return (onReturn ? "kretprobe of " : "kprobe of ") + function + (offset == 0 ? "" : "+" + offset);
        }
    }

    public static BpfLink attach(BpfProgram program, Options options) {
        String hook = options.onReturn() ? "kretprobe" : "kprobe";
        Hooks.requireType(program, hook, ProgramType.KPROBE);
        requireKernelFunction(options.function());
        String where = options.function() + (options.offset() == 0 ? "" : "+" + options.offset());
        try (NativeBuffer function = NativeBuffer.copyOf(options.function().getBytes(StandardCharsets.UTF_8))) {
            int pmu = pmuType(options.function());
            long config = options.onReturn() ? 1L << returnProbeBit() : 0;
            return PerfEvent.attach(program, PerfEvent.open(pmu, config, function.address(), options.offset()),
                    options);
        } catch (BpfException e) {
            throw explain(e, options).withContext("attach " + hook + " link to " + where);
        }
    }

    private static void requireKernelFunction(String function) {
        if (!SYMBOL.matcher(function).matches()) {
            throw new InvalidTargetException(Part.FUNCTION, "\"" + function + "\" is not a kernel function name");
        }
        try (Stream<String> symbols = Files.lines(KALLSYMS)) {
            if (symbols.noneMatch(line -> isSymbol(line, function))) {
                throw new InvalidTargetException(Part.FUNCTION,
                        "the kernel has no function " + function + " (it is not in " + KALLSYMS + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kallsyms line is "ADDRESS TYPE NAME" and, for modules, "[MODULE]". */
    private static boolean isSymbol(String line, String function) {
        String[] fields = line.split("\\s+");
        return fields.length > 2 && fields[2].equals(function);
    }

    private static int pmuType(String function) {
        try {
            return Integer.parseInt(Files.readString(PMU.resolve("type")).strip());
        } catch (NoSuchFileException e) {
            throw new BpfException("open " + PMU.resolve("type"), Errno.ENOENT, null, "this kernel has no kprobe"
                    + " events (it was built without CONFIG_KPROBES or CONFIG_KPROBE_EVENTS); attach an fentry or"
                    + " fexit program to " + function + " instead");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int returnProbeBit() {
        try {
            Matcher bit = CONFIG_BIT.matcher(Files.readString(PMU.resolve("format").resolve("retprobe")));
            if (!bit.find()) {
                throw new IllegalStateException("cannot read " + PMU.resolve("format/retprobe"));
            }
            return Integer.parseInt(bit.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BpfException explain(BpfException failure, Options options) {
        if (failure.operation().equals("perf_event_open") && failure.errno() == Errno.ENOENT) {
            return failure.withHint("the kernel cannot probe " + options.function()
                    + ": it may be inlined, or blacklisted for kprobes");
        }
        if (failure.operation().equals("perf_event_open") && failure.errno() == Errno.EINVAL && options.offset() != 0) {
            return failure.withHint("offset " + options.offset() + " is not the start of an instruction of "
                    + options.function());
        }
        return failure;
    }
}
