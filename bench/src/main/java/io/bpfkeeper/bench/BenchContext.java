package io.bpfkeeper.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What every benchmark gets: how much to do, the daemon under test, where baselines pin, the ELF
 * object to load, and the baselines' servers, started the first time a benchmark asks for them and
 * stopped when the run ends.
 */
final class BenchContext implements AutoCloseable {

    private final RunOptions options;
    private final DaemonProcess daemon;
    private final Path bpffs;
    private final Path elfObject;
    private EchoServerProcess echo;

    /**
     * @param bpffs a bpffs mount of this run alone, the daemon's pin root too
     * @param elfObject a small object compiled by clang -target bpf
     */
    BenchContext(RunOptions options, DaemonProcess daemon, Path bpffs, Path elfObject) {
        this.options = options;
        this.daemon = daemon;
        this.bpffs = bpffs;
        this.elfObject = elfObject;
    }

    RunOptions options() {
        return options;
    }

    DaemonProcess daemon() {
        return daemon;
    }

    /** A bpffs mount of this run alone, where baselines pin under directories of their own. */
    Path bpffs() {
        return bpffs;
    }

    Path elfObject() {
        return elfObject;
    }

    EchoServerProcess echo() throws IOException, InterruptedException {
        if (echo == null) {
            echo = EchoServerProcess.start();
        }
        return echo;
    }

    @Override
    public void close() {
        if (echo != null) {
            echo.close();
        }
    }
}
