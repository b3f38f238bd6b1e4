package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays systemd's side of bpfkeeper.service against the real daemon process, started from
 * bin/bpfkeeperd in the checkout:
 * <ul>
 *   <li>socket activation: it holds the listening socket across the daemon's runs and passes it as
 *       fd 3, named "varlink";
 *   <li>notifications: it reads the daemon's sd_notify datagrams from its own NOTIFY_SOCKET;
 *   <li>the fd store: it keeps the fds that come with FDSTORE=1 and hands them back after the socket
 *       on the next start, named in LISTEN_FDNAMES; FDSTOREREMOVE=1 drops them.
 * </ul>
 * Like systemd 252, it drops a stored fd that came without FDPOLL=0 (systemd drops map fds then,
 * as they report EPOLLERR). It records such protocol errors and fails {@link #close()} on any.
 *
 * <p>Each harness has its own directory with the socket, the notify socket, the state directory
 * and one log file per run of the daemon.
 */
public final class FakeSystemd implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofMinutes(2);
    private static final Duration STOP_DEADLINE = Duration.ofMinutes(1);
    private static final String SOCKET_NAME = "varlink";
    private static final Pattern METRICS_ADDRESS = Pattern.compile("serving Prometheus metrics on (http://\\S+/metrics)");

    private final Path directory;
    private final Fd listeningSocket;
    private final Fd notifySocket;
    private final Map<String, String> environment = new LinkedHashMap<>();
    /** The fd store, in the order systemd hands it back: by name, with the fds stored under it. */
    private final Map<String, List<Fd>> fdStore = new LinkedHashMap<>();
    private final List<String> notifications = new ArrayList<>();
    private final List<String> protocolErrors = new ArrayList<>();
    private Path pinRoot;
    private Process daemon;
    private int runs;
    /** Index in {@link #notifications} where the current run's notifications start. */
    private int runStart;

    private FakeSystemd(Path directory, Path pinRoot) {
        this.directory = directory;
        this.pinRoot = pinRoot;
        this.listeningSocket = UnixSockets.listen(socket());
        this.notifySocket = UnixSockets.datagram(directory.resolve("notify"));
    }

    /** A harness in a new temporary directory; the daemon pins under {@code pinRoot}. */
    public static FakeSystemd create(Path pinRoot) {
        try {
            return new FakeSystemd(Files.createTempDirectory("bpfkeeper-systemd-"), pinRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a variable for the daemon's next runs, such as WATCHDOG_USEC. */
    public FakeSystemd withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Runs the daemon with another --pin-root from the next start on. */
    public void usePinRoot(Path root) {
        this.pinRoot = root;
    }

    /** The socket the daemon serves, which this harness listens on. */
    public Path socket() {
        return directory.resolve("bpfkeeper.sock");
    }

    public Path stateDirectory() {
        return directory.resolve("state");
    }

    /** Where the daemon would bind its own socket if it ignored the one passed to it. */
    public Path ownSocket() {
        return directory.resolve("own.sock");
    }

    public BpfkeeperClient client() {
        return BpfkeeperClient.connect(socket());
    }

    /**
     * Starts the daemon with the socket and the fd store's entries, and waits for READY=1.
     *
     * @throws AssertionError when the daemon exits or stays unready until the deadline
     */
    public void start() {
        if (daemon != null && daemon.isAlive()) {
            throw new IllegalStateException("the daemon is running already");
        }
        runs++;
        runStart = notifications.size();
        List<String> command = new ArrayList<>();
        command.add(SocketActivate.executable().toString());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(FdNumbers.of(listeningSocket) + ":" + SOCKET_NAME);
        fdStore.forEach((name, fds) -> fds.forEach(fd -> command.add(FdNumbers.of(fd) + ":" + name)));
        command.addAll(List.of("--", Repository.root().resolve("bin/bpfkeeperd").toString(),
                "--socket", ownSocket().toString(),
                "--pin-root", pinRoot.toString(),
                "--state-dir", stateDirectory().toString(),
                // Any free port: the default one belongs to whichever daemon of a concurrent run took it.
                "--metrics-address", "127.0.0.1:0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log(runs).toFile()).redirectInput(new File("/dev/null"));
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("LISTEN_") || name.startsWith("WATCHDOG_")
                || name.equals("NOTIFY_SOCKET") || name.equals("FDSTORE"));
        variables.put("NOTIFY_SOCKET", directory.resolve("notify").toString());
        variables.putAll(environment);
        try {
            daemon = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitNotification(message -> message.lines().anyMatch("READY=1"::equals), START_DEADLINE,
                "READY=1 from the daemon");
    }

    /** Stops the daemon with SIGTERM, as systemctl stop and restart do; the fd store stays. */
    public void stop() {
        signal(false);
    }

    /** Kills the daemon with SIGKILL, as systemctl kill -s SIGKILL does; the fd store stays. */
    public void kill() {
        signal(true);
    }

    /** systemctl restart: SIGTERM, then a start that gets the fd store back. */
    public void restart() {
        stop();
        start();
    }

    /** What a stop (rather than a restart) of the unit does to the store: it empties it. */
    public void emptyFdStore() {
        fdStore.values().forEach(fds -> fds.forEach(Fd::close));
        fdStore.clear();
    }

    /** Whether the daemon of the current run is alive, as {@code kill -0} on its pid would say. */
    public boolean isRunning() {
        return daemon != null && daemon.isAlive();
    }

    /** The pid of the daemon's current (or last) run: the JVM's, since each launcher execs the next. */
    public long pid() {
        if (daemon == null) {
            throw new IllegalStateException("the daemon never started");
        }
        return daemon.pid();
    }

    /** How the daemon's last run ended: its exit status, or 128 + the signal that killed it. */
    public int exitStatus() {
        if (isRunning()) {
            throw new IllegalStateException("the daemon is running");
        }
        return daemon.exitValue();
    }

    /** The daemon's open fds now, by number, each with what /proc says it refers to. */
    public Map<Integer, String> openFds() {
        Path fds = Path.of("/proc", Long.toString(pid()), "fd");
        Map<Integer, String> open = new java.util.TreeMap<>();
        try (var entries = Files.list(fds)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                try {
                    open.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (java.nio.file.NoSuchFileException closedMeanwhile) {
                    // closed between the listing and the read: not open now
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + fds, e);
        }
        return open;
    }

    /** Puts {@code fd} in the store under {@code name} in place of what it held, as a tampered store would. */
    public void replaceInFdStore(String name, Fd fd) {
        List<Fd> previous = fdStore.put(name, new ArrayList<>(List.of(fd)));
        if (previous != null) {
            previous.forEach(Fd::close);
        }
    }

    /** Closes and forgets the store's entries under {@code name}, as if systemd had dropped them. */
    public void removeFromFdStore(String name) {
        List<Fd> removed = fdStore.remove(name);
        if (removed == null) {
            throw new IllegalArgumentException("the fd store holds nothing under " + name + ": " + fdStore.keySet());
        }
        removed.forEach(Fd::close);
    }

    /** Puts {@code fd} in the store under {@code name} beside what it holds already. */
    public void addToFdStore(String name, Fd fd) {
        fdStore.computeIfAbsent(name, key -> new ArrayList<>()).add(fd);
    }

    /** The FDNAME under which the daemon stores an object that uid {@code uid} owns: "map-42-uid-1000". */
    public static String storeName(String kind, long id, int uid) {
        return kind + "-" + id + "-uid-" + uid;
    }

    /** The FDNAME of an object that root owns, as every object of a test that runs as root. */
    public static String rootsStoreName(String kind, long id) {
        return storeName(kind, id, 0);
    }

    /** The store's entries now, one name per fd, after reading the notifications sent so far. */
    public List<String> fdStoreNames() {
        drain();
        List<String> names = new ArrayList<>();
        fdStore.forEach((name, fds) -> fds.forEach(fd -> names.add(name)));
        return names;
    }

    /**
     * Reads the notifications waiting, as systemd reads them as they come. A test that keeps the
     * daemon busy for long calls this often: once the socket's queue is full, the daemon blocks in
     * sd_notify, as it would under a systemd that stopped reading.
     */
    public void readNotifications() {
        drain();
    }

    /** Every notification of the current run, one string per datagram. */
    public List<String> notificationsOfThisRun() {
        drain();
        return List.copyOf(notifications.subList(runStart, notifications.size()));
    }

    /** The last STATUS= the daemon sent in this run. */
    public String lastStatus() {
        List<String> statuses = notificationsOfThisRun().stream().flatMap(String::lines)
                .filter(line -> line.startsWith("STATUS=")).map(line -> line.substring("STATUS=".length())).toList();
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    /** Waits for a notification of this run that {@code matches}, failing after {@code deadline}. */
    public String awaitNotification(Predicate<String> matches, Duration deadline, String description) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            drain();
            for (String message : notifications.subList(runStart, notifications.size())) {
                if (matches.test(message)) {
                    return message;
                }
            }
            if (!daemon.isAlive()) {
                drain();
                throw new AssertionError("the daemon exited with " + daemon.exitValue() + " before " + description
                        + "; its log:\n" + log());
            }
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("no " + description + " within " + deadline + "; notifications: "
                        + notificationsOfThisRun() + "; log:\n" + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + description, e);
            }
        }
    }

    /** A Prometheus scrape of the running daemon, at the address its log names (it takes any free port). */
    public String scrapeMetrics() {
        Matcher address = METRICS_ADDRESS.matcher(log());
        if (!address.find()) {
            throw new AssertionError("the daemon's log names no metrics address; log:\n" + log());
        }
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while scraping the daemon's metrics", e);
        }
    }

    /** The log of the daemon's current (or last) run. */
    public String log() {
        return runs == 0 ? "" : read(log(runs));
    }

    private Path log(int run) {
        return directory.resolve("daemon-" + run + ".log");
    }

    private void signal(boolean kill) {
        if (daemon == null || !daemon.isAlive()) {
            throw new IllegalStateException("the daemon is not running");
        }
        if (kill) {
            daemon.destroyForcibly();
        } else {
            daemon.destroy();
        }
        try {
            if (!daemon.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                daemon.destroyForcibly().waitFor();
                throw new AssertionError("the daemon did not stop within " + STOP_DEADLINE + "; log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping the daemon", e);
        }
        drain();
    }

    /** Reads every waiting notification and applies the fd store's messages. */
    private void drain() {
        for (UnixSockets.Datagram datagram; (datagram = UnixSockets.receive(notifySocket)) != null; ) {
            notifications.add(datagram.text());
            apply(datagram);
        }
    }

    private void apply(UnixSockets.Datagram datagram) {
        Map<String, String> fields = new LinkedHashMap<>();
        datagram.text().lines().forEach(line -> {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        });
        String name = fields.getOrDefault("FDNAME", "stored");
        if ("1".equals(fields.get("FDSTORE"))) {
            if (datagram.fds().isEmpty()) {
                protocolErrors.add("FDSTORE=1 for " + name + " came without an fd");
            } else if (!"0".equals(fields.get("FDPOLL"))) {
                protocolErrors.add("FDSTORE=1 for " + name + " came without FDPOLL=0; systemd drops a map fd then");
                datagram.fds().forEach(Fd::close);
            } else {
                if (fdStore.containsKey(name)) {
                    protocolErrors.add(name + " was stored twice");
                }
                fdStore.computeIfAbsent(name, key -> new ArrayList<>()).addAll(datagram.fds());
            }
            return;
        }
        if (!datagram.fds().isEmpty()) {
            protocolErrors.add("fds came with a message that stores none: " + datagram.text());
            datagram.fds().forEach(Fd::close);
        }
        if ("1".equals(fields.get("FDSTOREREMOVE"))) {
            List<Fd> removed = fdStore.remove(name);
            if (removed != null) {
                removed.forEach(Fd::close);
            }
        }
    }

    /** Protocol errors seen so far, such as an fd stored without FDPOLL=0. */
    public List<String> protocolErrors() {
        drain();
        return List.copyOf(protocolErrors);
    }

    /**
     * Stops a running daemon, closes the store and the sockets and deletes the directory.
     *
     * @throws AssertionError when the daemon broke systemd's protocols during the test
     */
    @Override
    public void close() {
        try {
            if (daemon != null && daemon.isAlive()) {
                stop();
            }
            drain();
        } finally {
            emptyFdStore();
            listeningSocket.close();
            notifySocket.close();
            Directories.deleteRecursively(directory);
        }
        if (!protocolErrors.isEmpty()) {
            throw new AssertionError("the daemon broke systemd's protocols: " + protocolErrors);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
