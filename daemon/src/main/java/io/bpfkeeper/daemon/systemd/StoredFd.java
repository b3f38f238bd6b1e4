package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.kernel.Fd;

/** An fd that systemd's fd store handed back at start, with the name it was stored under. */
public record StoredFd(FdStoreName name, Fd fd) {
}
