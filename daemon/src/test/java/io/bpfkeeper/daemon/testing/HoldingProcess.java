package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process that holds an fd on a pinned BPF object and nothing else: a JVM started from the
 * test classpath, which opens the pin, says which fd it got, and waits to be killed. Tests remove
 * the pin afterwards to leave the process as the only holder.
 */
public final class HoldingProcess implements AutoCloseable {

    private static final String READY = "holding fd ";
    private static final int F_DUPFD_CLOEXEC = 1030;

    private final Process process;
    private final int fd;

    private HoldingProcess(Process process, int fd) {
        this.process = process;
        this.fd = fd;
    }

    /** Starts the process and returns once it holds the object pinned at {@code pin}. */
    public static HoldingProcess holding(Path pin) {
        return holding(pin, 0);
    }

    /**
     * Starts the process and returns once it holds the object pinned at {@code pin} on the lowest
     * free fd number at or above {@code lowestFd}, such as one far beyond those the JVM has open.
     */
    public static HoldingProcess holding(Path pin, int lowestFd) {
        return holding(pin, lowestFd, 1);
    }

    /**
     * Starts the process and returns once it holds {@code copies} fds on the object pinned at
     * {@code pin}: the first at or above {@code lowestFd}, whose number {@link #fd} is, and the
     * others on the lowest free numbers.
     */
    public static HoldingProcess holding(Path pin, int lowestFd, int copies) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process;
        try {
            process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    HoldingProcess.class.getName(), pin.toString(), Integer.toString(lowestFd),
                    Integer.toString(copies)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith(READY)) {
                process.destroyForcibly();
                throw new IllegalStateException("the holding process failed to open " + pin + ": " + line);
            }
            return new HoldingProcess(process, Integer.parseInt(line.substring(READY.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The fd number the object has in that process. */
    public int fd() {
        return fd;
    }

    /** Kills it with SIGKILL and waits until it is gone, which closes its fds. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** The process itself: opens the pin, moves the fd up, copies it, reports it, and sleeps until killed. */
    public static void main(String[] args) throws InterruptedException {
        Fd fd = BpfFs.open(Path.of(args[0]));
        int lowestFd = Integer.parseInt(args[1]);
        if (FdNumbers.of(fd) < lowestFd) {
            int moved = LibC.INSTANCE.fcntl(FdNumbers.of(fd), F_DUPFD_CLOEXEC, lowestFd);
            if (moved < 0) {
                throw new IllegalStateException("fcntl(F_DUPFD_CLOEXEC, " + lowestFd + "): errno " + LibC.errno());
            }
            fd.close();
            fd = Fd.adopt(moved);
        }
        for (int copy = 1; copy < Integer.parseInt(args[2]); copy++) {
            // Kept open until the process is killed.
            fd.dup();
        }
        System.out.println(READY + FdNumbers.of(fd));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
