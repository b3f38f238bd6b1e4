package io.bpfkeeper.daemon;

import io.bpfkeeper.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bpfkeeperd}: parses flags, starts the daemon, and stops it on SIGTERM or SIGINT. */
@Command(name = "bpfkeeperd", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Owns BPF maps, programs and links for its clients, served over Varlink.")
public final class Main implements Callable<Integer> {

    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket to serve (default: ${DEFAULT-VALUE})")
    Path socket = DaemonConfig.DEFAULT_SOCKET;

    @Option(names = "--pin-root", paramLabel = "DIR", description = "bpffs directory for pins (default: ${DEFAULT-VALUE})")
    Path pinRoot = DaemonConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "state directory (default: ${DEFAULT-VALUE})")
    Path stateDir = DaemonConfig.DEFAULT_STATE_DIR;

    @Option(names = "--max-message-size", paramLabel = "BYTES",
            description = "largest Varlink message accepted (default: ${DEFAULT-VALUE})")
    long maxMessageBytes = DaemonConfig.DEFAULT_MAX_MESSAGE_BYTES;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Daemon daemon = new Daemon(new DaemonConfig(socket, pinRoot, stateDir, maxMessageBytes), List.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "bpfkeeper-shutdown"));
        daemon.start();
        stopped.await();
        return 0;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bpfkeeperd " + Version.current()};
        }
    }
}
