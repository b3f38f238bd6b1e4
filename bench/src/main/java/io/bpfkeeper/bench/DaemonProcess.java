package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.nio.file.Path;

/**
 * The daemon under test: a bpfkeeperd process of its own, started by scripts/bench through
 * bin/bpfkeeperd, so that the launcher's JVM flags are part of what is measured.
 *
 * @param pid the daemon's JVM
 */
record DaemonProcess(Path socket, long pid) {

    BpfkeeperClient connect() {
        return BpfkeeperClient.connect(socket);
    }
}
