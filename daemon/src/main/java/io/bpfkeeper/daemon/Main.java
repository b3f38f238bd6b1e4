package io.bpfkeeper.daemon;

import io.bpfkeeper.daemon.config.ClientLimits;
import io.bpfkeeper.daemon.config.DaemonConfig;
import io.bpfkeeper.daemon.config.MetricsConfig;
import io.bpfkeeper.daemon.logging.LogFormat;
import io.bpfkeeper.daemon.policy.Policy;
import io.bpfkeeper.daemon.policy.PolicyException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import sun.misc.Signal;
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

    @Option(names = "--max-message-size", paramLabel = "BYTES", converter = MessageSizeConverter.class,
            description = "largest Varlink message accepted, from " + DaemonConfig.MIN_MAX_MESSAGE_BYTES + " to "
                    + DaemonConfig.MAX_MAX_MESSAGE_BYTES + " (default: ${DEFAULT-VALUE})")
    long maxMessageBytes = DaemonConfig.DEFAULT_MAX_MESSAGE_BYTES;

    @Option(names = "--message-timeout", paramLabel = "SECONDS",
            description = "close a connection whose message takes longer than this to arrive, from its first byte"
                    + " to its NUL (default: ${DEFAULT-VALUE})")
    long messageTimeoutSeconds = ClientLimits.DEFAULT_MESSAGE_ARRIVAL_TIMEOUT.toSeconds();

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT|off", converter = MetricsAddressConverter.class,
            description = "where to serve Prometheus metrics at /metrics, or off (default: " + MetricsConfig.DEFAULT_ADDRESS
                    + ", loopback only)")
    InetSocketAddress metricsAddress = MetricsConfig.parseAddress(MetricsConfig.DEFAULT_ADDRESS);

    @Option(names = "--program-stats",
            description = "count the runs and run time of owned programs for the metrics (BPF_ENABLE_STATS)."
                    + " This costs time on every run of every BPF program on the host, so it is off by default.")
    boolean programStats;

    @Option(names = "--policy-dir", paramLabel = "DIR",
            description = "policy drop-ins (*.yaml), read in lexical order at start and on SIGHUP"
                    + " (default: ${DEFAULT-VALUE})")
    Path policyDir = DaemonConfig.DEFAULT_POLICY_DIR;

    @Option(names = "--check-policy", paramLabel = "DIR",
            description = "check the policy files of DIR, as the daemon would read them, and exit: 0 when they"
                    + " are valid, 1 with the file, line and field of the first error")
    Path checkPolicy;

    /** Hidden: only the benchmarks turn it off, to measure what the fsyncs cost. */
    @Option(names = "--journal-fsync", paramLabel = "on|off", hidden = true,
            description = "fsync each journal write before answering the calls it holds (default: on); off is"
                    + " for benchmarks only")
    OnOff journalFsync = OnOff.ON;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "log lines as text (without timestamps under the journal) or as JSON objects"
                    + " (default: text)")
    LogFormat logFormat = LogFormat.TEXT;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (checkPolicy != null) {
            return checkPolicy(checkPolicy);
        }
        logFormat.apply();
        Daemon daemon;
        try {
            daemon = new Daemon(config(), List.of());
        } catch (IllegalArgumentException e) {
            System.err.println("bpfkeeperd: " + e.getMessage());
            return 1;
        }
        // systemctl reload sends SIGHUP (ExecReload=); a bad file keeps the policy in force.
        Signal.handle(new Signal("HUP"), signal -> daemon.reloadPolicy());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "bpfkeeper-shutdown"));
        daemon.start();
        stopped.await();
        return 0;
    }

    /** The configuration the flags describe. */
    DaemonConfig config() {
        return new DaemonConfig(socket, pinRoot, stateDir, maxMessageBytes, new MetricsConfig(metricsAddress,
                programStats), policyDir,
                ClientLimits.DEFAULT.withMessageArrivalTimeout(Duration.ofSeconds(messageTimeoutSeconds)),
                journalFsync == OnOff.ON);
    }

    static final class MessageSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return DaemonConfig.requireUsableMaxMessageBytes(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number of bytes");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private static int checkPolicy(Path directory) {
        try {
            Policy policy = Policy.load(directory);
            System.out.println(directory + ": " + policy.ruleCount() + " rules in " + policy.files().size()
                    + " files, valid");
            return 0;
        } catch (PolicyException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    static final class MetricsAddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return MetricsConfig.parseAddress(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    enum OnOff { ON, OFF }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bpfkeeperd " + Version.current()};
        }
    }
}
