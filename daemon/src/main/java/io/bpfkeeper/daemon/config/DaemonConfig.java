package io.bpfkeeper.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the daemon runs.
 *
 * @param socket where to serve Varlink, unless systemd passes a socket
 * @param pinRoot the bpffs directory under which every pin goes
 * @param stateDir where the daemon keeps its journal
 * @param maxMessageBytes the largest Varlink message accepted
 * @param metrics where Prometheus metrics are served, if anywhere
 * @param policyDir the drop-ins of the policy; null for the default policy alone
 * @param limits what one client may make the daemon hold and spend
 * @param journalFsync whether each journal write is fsynced before the calls it holds are answered;
 *     off only to measure what that costs, since a crash of the machine can then lose acknowledged
 *     objects
 */
public record DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes, MetricsConfig metrics,
        Path policyDir, ClientLimits limits, boolean journalFsync) {

    public static final Path DEFAULT_SOCKET = Path.of("/run/bpfkeeper/bpfkeeper.sock");
    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/bpfkeeper");
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    public static final Path DEFAULT_POLICY_DIR = Path.of("/etc/bpfkeeper/policy.d");
    /** Room for any call but the largest batches; smaller limits would refuse ordinary calls. */
    public static final long MIN_MAX_MESSAGE_BYTES = 4096;
    /** A message is held whole while it is parsed: a larger limit would let one client take the heap. */
    public static final long MAX_MAX_MESSAGE_BYTES = 256L * 1024 * 1024;

    /** The socket is for root and the bpfkeeper group. */
    public static final String SOCKET_PERMISSIONS = "rw-rw----";

    public DaemonConfig {
        requireUsableMaxMessageBytes(maxMessageBytes);
        Objects.requireNonNull(limits, "limits");
    }

    /** Returns {@code bytes} if it is a usable limit on a message's size; throws IllegalArgumentException if not. */
    public static long requireUsableMaxMessageBytes(long bytes) {
        if (bytes < MIN_MAX_MESSAGE_BYTES || bytes > MAX_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("the largest message must be from " + MIN_MAX_MESSAGE_BYTES + " to "
                    + MAX_MAX_MESSAGE_BYTES + " bytes, not " + bytes);
        }
        return bytes;
    }

    /** Without metrics, as in-process test daemons run. */
    public DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes) {
        this(socket, pinRoot, stateDir, maxMessageBytes, MetricsConfig.OFF);
    }

    /** With the default policy alone, the default client limits, and every journal write fsynced. */
    public DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes, MetricsConfig metrics) {
        this(socket, pinRoot, stateDir, maxMessageBytes, metrics, null, ClientLimits.DEFAULT, true);
    }
}
