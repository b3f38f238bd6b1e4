package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The processes in /proc, and the fds of each whose link names a given target, such as
 * "anon_inode:bpf-map": a readlinkat per fd, into a native buffer, without allocating. A scan of
 * every fd on a busy host makes tens of thousands of them. Not thread-safe: a scanner per thread.
 */
public final class ProcessFds {

    /** x86-64; libc's readlinkat would take the name as a string, which would allocate per fd. */
    private static final long SYS_READLINKAT = 267;

    /** Longer than any BPF anon-inode name; longer targets are cut, and never match one. */
    private static final int LINK_BUFFER = 64;
    /** "/proc/" + a pid of up to 10 digits + "/fd". */
    private static final int PATH_BUFFER = 32;

    private static final byte[] PROC = "/proc".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FD_SUFFIX = "/fd".getBytes(StandardCharsets.US_ASCII);

    private final DirectoryReader directories = new DirectoryReader();
    private final Pointer link = Memory.allocateDirect(LibC.RUNTIME, LINK_BUFFER, false);
    private final byte[] linkBytes = new byte[LINK_BUFFER];
    private final byte[] path = new byte[PATH_BUFFER];
    private int[] pids = new int[1024];
    private int pidCount;

    /** Every pid in /proc; /proc lists processes, not the other threads of each. */
    public int[] pids() {
        pidCount = 0;
        directories.list(PROC, PROC.length, (directory, type, start, end) -> {
            int pid = directories.number(start, end);
            if (pid > 0) {
                if (pidCount == pids.length) {
                    pids = Arrays.copyOf(pids, pids.length * 2);
                }
                pids[pidCount++] = pid;
            }
        });
        return Arrays.copyOf(pids, pidCount);
    }

    /**
     * Calls {@code found} with each fd of process {@code pid} whose link reads exactly one of
     * {@code targets} (see {@link #target}). Nothing when the process is gone, exits meanwhile, or
     * hides its fds from this one.
     */
    public void eachLinkedTo(int pid, List<byte[]> targets, IntConsumer found) {
        System.arraycopy(PROC, 0, path, 0, PROC.length);
        path[PROC.length] = '/';
        int length = appendNumber(pid, PROC.length + 1);
        System.arraycopy(FD_SUFFIX, 0, path, length, FD_SUFFIX.length);
        directories.list(path, length + FD_SUFFIX.length, (directory, type, start, end) -> {
            long linkLength = LibC.INSTANCE.syscall(SYS_READLINKAT, directory, directories.nameAddress(start),
                    link.address(), LINK_BUFFER, 0, 0);
            if (linkLength > 0 && pointsToAny((int) linkLength, targets)) {
                found.accept(directories.number(start, end));
            }
        });
    }

    /** A target in the form {@link #eachLinkedTo} compares. */
    public static byte[] target(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private boolean pointsToAny(int length, List<byte[]> targets) {
        boolean copied = false;
        for (byte[] target : targets) {
            if (target.length == length) {
                if (!copied) {
                    link.get(0, linkBytes, 0, length);
                    copied = true;
                }
                if (Arrays.equals(linkBytes, 0, length, target, 0, length)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes {@code value} in decimal at {@code offset} of the path; returns where it ends. */
    private int appendNumber(int value, int offset) {
        int end = offset + 1;
        for (int rest = value / 10; rest > 0; rest /= 10) {
            end++;
        }
        for (int i = end - 1, rest = value; i >= offset; i--, rest /= 10) {
            path[i] = (byte) ('0' + rest % 10);
        }
        return end;
    }
}
