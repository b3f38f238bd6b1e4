package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of the daemon while one benchmark runs, and a summary of where the daemon's time
 * went: the methods its threads were running when sampled (self), the methods on their stacks
 * (total), and how long its collections paused it. JFR samples only threads that run Java code;
 * time in system calls shows in the CPU figures instead.
 */
final class DaemonProfile {

    private static final int SELF_METHODS_SHOWN = 15;
    private static final int TOTAL_METHODS_SHOWN = 25;
    /**
     * Threads and Netty's event loop and pipeline, which nearly every sample passes through: left
     * out of the totals, so that these show the work, such as framing, parsing and the handlers.
     */
    private static final List<String> SCAFFOLDING = List.of(
            "java.lang.Thread.", "io.netty.util.concurrent.", "io.netty.util.internal.ThreadExecutorMap",
            "io.netty.channel.");

    private final DaemonProcess daemon;
    private final String recording;
    private final Path file;

    private DaemonProfile(DaemonProcess daemon, String recording, Path file) {
        this.daemon = daemon;
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts recording with the JDK's "profile" settings, but a Java sample every millisecond
     * instead of every 10: the sampler is a thread too, and on 2 busy cores it got so few turns that
     * the batch benchmark left fewer than 100 samples.
     */
    static DaemonProfile start(DaemonProcess daemon, String benchmark, Path directory)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path file = directory.resolve("profile-" + benchmark + ".jfr").toAbsolutePath();
        String recording = "bench-" + benchmark;
        Jcmd.run(daemon.pid(), "JFR.start", "name=" + recording, "settings=profile",
                "jdk.ExecutionSample#period=1ms", "filename=" + file);
        return new DaemonProfile(daemon, recording, file);
    }

    /** Stops recording, which writes the file, and summarizes it. */
    String stop() throws IOException, InterruptedException {
        Jcmd.run(daemon.pid(), "JFR.stop", "name=" + recording);
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        Duration paused = Duration.ZERO;
        int collections = 0;
        for (RecordedEvent event : events) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                samples++;
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                self.merge(method(frames.get(0)), 1, Integer::sum);
                Set<String> onStack = new HashSet<>();
                frames.stream().map(DaemonProfile::method)
                        .filter(method -> SCAFFOLDING.stream().noneMatch(method::startsWith))
                        .forEach(onStack::add);
                onStack.forEach(method -> total.merge(method, 1, Integer::sum));
            } else if (type.equals("jdk.GarbageCollection")) {
                collections++;
                paused = paused.plus(event.getDuration("sumOfPauses"));
            }
        }
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "%d Java samples; %d collections paused the daemon for %d ms in all; recording: %s%n",
                samples, collections, paused.toMillis(), file));
        appendTop(summary, "self", self, samples, SELF_METHODS_SHOWN);
        appendTop(summary, "total, without threads and the event loop", total, samples, TOTAL_METHODS_SHOWN);
        return summary.toString();
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void appendTop(StringBuilder summary, String title, Map<String, Integer> counts, int samples,
            int shown) {
        summary.append(title).append(":\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(shown)
                .forEach(entry -> summary.append(String.format(Locale.ROOT, "  %5.1f%%  %s%n",
                        100.0 * entry.getValue() / samples, entry.getKey())));
    }
}
