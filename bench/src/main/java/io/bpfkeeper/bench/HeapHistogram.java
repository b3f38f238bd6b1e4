package io.bpfkeeper.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a JVM's heap by class, from {@code jcmd PID GC.class_histogram}, which runs a
 * full collection first, so that the bytes are those of reachable objects only, to the byte.
 *
 * @param bytesByClass keyed by the class name as the JVM prints it, such as {@code [B} for byte[]
 */
record HeapHistogram(long totalBytes, Map<String, Long> bytesByClass) {

    /** {@code   12:     3456     78901  java.lang.String (java.base@17)}: rank, instances, bytes, class. */
    private static final Pattern CLASS_LINE = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+).*$",
            Pattern.MULTILINE);
    private static final Pattern TOTAL_LINE = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    static HeapHistogram of(long pid) throws IOException, InterruptedException {
        return parse(Jcmd.run(pid, "GC.class_histogram"));
    }

    static HeapHistogram parse(String histogram) {
        Matcher total = TOTAL_LINE.matcher(histogram);
        if (!total.find()) {
            throw new IllegalArgumentException("no Total line in the class histogram:\n" + histogram);
        }
        Map<String, Long> bytesByClass = new HashMap<>();
        Matcher line = CLASS_LINE.matcher(histogram);
        while (line.find()) {
            bytesByClass.merge(line.group(2), Long.parseLong(line.group(1)), Long::sum);
        }
        return new HeapHistogram(Long.parseLong(total.group(1)), bytesByClass);
    }

    /** The bytes of {@code className} that this histogram has beyond {@code before}. */
    long growthOf(String className, HeapHistogram before) {
        return bytesByClass.getOrDefault(className, 0L) - before.bytesByClass.getOrDefault(className, 0L);
    }
}
