package io.bpfkeeper.bench;

import java.io.IOException;

/**
 * What every benchmark gets: how much to do, the daemon under test, and the baselines' servers,
 * started the first time a benchmark asks for them and stopped when the run ends.
 */
final class BenchContext implements AutoCloseable {

    private final RunOptions options;
    private final DaemonProcess daemon;
    private EchoServerProcess echo;

    BenchContext(RunOptions options, DaemonProcess daemon) {
        this.options = options;
        this.daemon = daemon;
    }

    RunOptions options() {
        return options;
    }

    DaemonProcess daemon() {
        return daemon;
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
