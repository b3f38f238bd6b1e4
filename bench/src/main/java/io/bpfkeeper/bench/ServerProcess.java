package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.io.IOException;
import java.nio.file.Path;

/** A server that the benchmarks call over its Unix socket, running as a process of its own. */
interface ServerProcess {

    Path socket();

    long pid();

    default BpfkeeperClient connect() {
        return BpfkeeperClient.connect(socket());
    }

    /** The CPU time that every thread of the server has used so far, in user and kernel mode. */
    default long cpuNanoseconds() throws IOException {
        return ProcessCpu.nanoseconds(pid());
    }
}
