package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The CPU time of a process, from /proc/PID/stat. */
final class ProcessCpu {

    /**
     * The unit of utime and stime in /proc/PID/stat: USER_HZ, which the kernel fixes at 100 for
     * every process on x86 and arm64, whatever its own tick rate.
     */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** The CPU time that every thread of the process has used so far, in user and kernel mode. */
    static long nanoseconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name, in parentheses, may hold spaces: count fields from after it. utime and
        // stime are fields 14 and 15 of the line, 12 and 13 after the name.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    }
}
