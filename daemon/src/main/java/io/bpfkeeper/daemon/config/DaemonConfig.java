package io.bpfkeeper.daemon.config;

import java.nio.file.Path;

/**
 * How the daemon runs.
 *
 * @param socket where to serve Varlink, unless systemd passes a socket
 * @param pinRoot the bpffs directory under which every pin goes
 * @param stateDir where the daemon keeps its journal
 * @param maxMessageBytes the largest Varlink message accepted
 * @param metrics where Prometheus metrics are served, if anywhere
 * @param journalFsync whether each journal write is fsynced before the calls it holds are answered;
 *     off only to measure what that costs, since a crash of the machine can then lose acknowledged
 *     objects
 */
public record DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes, MetricsConfig metrics,
        boolean journalFsync) {

    public static final Path DEFAULT_SOCKET = Path.of("/run/bpfkeeper/bpfkeeper.sock");
    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/bpfkeeper");
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    /** The socket is for root and the bpfkeeper group. */
    public static final String SOCKET_PERMISSIONS = "rw-rw----";

    /** Without metrics, as in-process test daemons run. */
    public DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes) {
        this(socket, pinRoot, stateDir, maxMessageBytes, MetricsConfig.OFF);
    }

    /** With every journal write fsynced, as a daemon runs but in benchmarks. */
    public DaemonConfig(Path socket, Path pinRoot, Path stateDir, long maxMessageBytes, MetricsConfig metrics) {
        this(socket, pinRoot, stateDir, maxMessageBytes, metrics, true);
    }
}
