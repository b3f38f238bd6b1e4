package io.bpfkeeper.packaging.support;

import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.TestUser;
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
import java.nio.file.attribute.PosixFilePermissions;
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
 *   <li>the fd store, as systemd's service_notify_message and service_add_fd_store keep it: it
 *       keeps the fds that come with FDSTORE=1 and hands them back after the socket on the next
 *       start, newest first, named in LISTEN_FDNAMES; FDSTOREREMOVE=1 drops every entry of its
 *       FDNAME.
 * </ul>
 * Where systemd is silent, so is this store: an FDNAME that systemd does not accept (over 255
 * characters, a ':', a character outside printable ASCII) counts as absent, so an fd stored with
 * it is named "stored" and a removal with it does nothing; an fd of an open file the store holds
 * already (systemd's same_fd: the same open file description, by kcmp) is dropped; and past
 * {@code FileDescriptorStoreMax} (that of bpfkeeper.service unless {@link #withFileDescriptorStoreMax}
 * says otherwise) every further fd is dropped. Like systemd 252, it drops a stored fd that came
 * without FDPOLL=0 (systemd drops map fds then, as they report EPOLLERR). It does not tell the
 * daemon the store's size unless {@link #announcingFdStoreSize} asks it to, as systemd 254 and later
 * do in $FDSTORE.
 *
 * <p>It records what systemd would ignore or drop without the daemon learning of it (an invalid
 * FDNAME, a removal without a name, an fd without FDPOLL=0, fds with a message that stores none)
 * as protocol errors, and fails {@link #close()} on any. Fds dropped at the limit are counted, not
 * errors: systemd before 254 gives the daemon no way to know its limit.
 *
 * <p>Each harness has its own directory with the socket, the notify socket, the state directory
 * and one log file per run of the daemon.
 */
public final class FakeSystemd implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofMinutes(2);
    private static final Duration STOP_DEADLINE = Duration.ofMinutes(1);
    private static final String SOCKET_NAME = "varlink";
    /** FileDescriptorStoreMax= of systemd/bpfkeeper.service. */
    public static final int UNIT_FD_STORE_MAX = 16384;
    /** systemd's FDNAME_MAX. */
    private static final int FDNAME_MAX = 255;
    private static final long SYS_KCMP = 312;
    private static final long KCMP_FILE = 0;
    private static final Pattern METRICS_ADDRESS = Pattern.compile("serving Prometheus metrics on (http://\\S+/metrics)");

    private final Path directory;
    private final Fd listeningSocket;
    private final Fd notifySocket;
    private final Map<String, String> environment = new LinkedHashMap<>();
    /** The fd store, in the order systemd hands it back: the newest entry first (LIST_PREPEND). */
    private final List<StoredFd> fdStore = new ArrayList<>();
    private int fdStoreMax = UNIT_FD_STORE_MAX;
    private boolean announceFdStoreSize;
    private int droppedAtLimit;
    private int droppedAsDuplicates;
    private final List<String> notifications = new ArrayList<>();
    private final List<String> protocolErrors = new ArrayList<>();
    private Path pinRoot;
    private Path policyDirectory;
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

    /** The unit's FileDescriptorStoreMax=, from the next notification on. */
    public FakeSystemd withFileDescriptorStoreMax(int max) {
        fdStoreMax = max;
        return this;
    }

    /** Sets $FDSTORE to FileDescriptorStoreMax= at every start, as systemd 254 and later do. */
    public FakeSystemd announcingFdStoreSize() {
        announceFdStoreSize = true;
        return this;
    }

    /** Runs the daemon with --policy-dir {@code directory} from the next start on, rather than the host's. */
    public FakeSystemd withPolicyDirectory(Path directory) {
        policyDirectory = directory;
        return this;
    }

    /**
     * Lets {@code user} connect, as bpfkeeper.socket lets the members of its group: the socket goes to
     * the user's group with mode 0660, and the harness's directory may be passed through.
     */
    public void admit(TestUser user) {
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setAttribute(socket(), "unix:gid", user.gid());
            Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        fdStore.forEach(entry -> command.add(FdNumbers.of(entry.fd()) + ":" + entry.name()));
        command.addAll(List.of("--", Repository.root().resolve("bin/bpfkeeperd").toString(),
                "--socket", ownSocket().toString(),
                "--pin-root", pinRoot.toString(),
                "--state-dir", stateDirectory().toString(),
                // Any free port: the default one belongs to whichever daemon of a concurrent run took it.
                "--metrics-address", "127.0.0.1:0"));
        if (policyDirectory != null) {
            command.addAll(command.indexOf("--socket"), List.of("--policy-dir", policyDirectory.toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log(runs).toFile()).redirectInput(new File("/dev/null"));
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("LISTEN_") || name.startsWith("WATCHDOG_")
                || name.equals("NOTIFY_SOCKET") || name.equals("FDSTORE"));
        variables.put("NOTIFY_SOCKET", directory.resolve("notify").toString());
        if (announceFdStoreSize && fdStoreMax > 0) {
            variables.put("FDSTORE", Integer.toString(fdStoreMax));
        }
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
        fdStore.forEach(entry -> entry.fd().close());
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
        int at = 0;
        while (at < fdStore.size() && !fdStore.get(at).name().equals(name)) {
            at++;
        }
        dropEntries(name);
        fdStore.add(Math.min(at, fdStore.size()), new StoredFd(name, fd));
    }

    /** Closes and forgets the store's entries under {@code name}, as if systemd had dropped them. */
    public void removeFromFdStore(String name) {
        if (!dropEntries(name)) {
            throw new IllegalArgumentException("the fd store holds nothing under " + name + ": " + fdStoreNames());
        }
    }

    /** Puts {@code fd} in the store under {@code name} as its newest entry, beside what it holds already. */
    public void addToFdStore(String name, Fd fd) {
        fdStore.add(0, new StoredFd(name, fd));
    }

    private boolean dropEntries(String name) {
        List<StoredFd> dropped = fdStore.stream().filter(entry -> entry.name().equals(name)).toList();
        fdStore.removeAll(dropped);
        dropped.forEach(entry -> entry.fd().close());
        return !dropped.isEmpty();
    }

    /** The FDNAME under which the daemon stores an object that uid {@code uid} owns: "map-42-uid-1000". */
    public static String storeName(String kind, long id, int uid) {
        return kind + "-" + id + "-uid-" + uid;
    }

    /** The FDNAME of an object that root owns, as every object of a test that runs as root. */
    public static String rootsStoreName(String kind, long id) {
        return storeName(kind, id, 0);
    }

    /** The store's entries now, one name per fd, newest first, after reading the notifications sent so far. */
    public List<String> fdStoreNames() {
        drain();
        return fdStore.stream().map(StoredFd::name).toList();
    }

    /** How many fds the store dropped because it was full, as systemd does past FileDescriptorStoreMax=. */
    public int fdsDroppedAtTheLimit() {
        drain();
        return droppedAtLimit;
    }

    /** How many fds the store dropped because it held their open file already, as systemd's same_fd does. */
    public int fdsDroppedAsDuplicates() {
        drain();
        return droppedAsDuplicates;
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

    /**
     * systemd's service_notify_message for the fd store: FDSTOREREMOVE=1 wins over FDSTORE=1, the
     * first FDNAME= counts, and fds that no FDSTORE=1 takes are closed.
     */
    private void apply(UnixSockets.Datagram datagram) {
        List<String> tags = List.of(datagram.text().split("[\n\r]"));
        String name = tags.stream().filter(tag -> tag.startsWith("FDNAME=")).findFirst()
                .map(tag -> tag.substring("FDNAME=".length())).orElse(null);
        if (name != null && !isValidFdName(name)) {
            protocolErrors.add("FDNAME is not one systemd accepts, so it counts as absent: " + datagram.text());
            name = null;
        }
        if (tags.contains("FDSTOREREMOVE=1")) {
            if (name == null) {
                protocolErrors.add("FDSTOREREMOVE=1 without a valid FDNAME, which systemd ignores: " + datagram.text());
            } else {
                dropEntries(name);
            }
        } else if (tags.contains("FDSTORE=1")) {
            store(datagram, name == null ? "stored" : name, !tags.contains("FDPOLL=0"));
            return;
        }
        if (!datagram.fds().isEmpty()) {
            protocolErrors.add("fds came with a message that stores none: " + datagram.text());
            datagram.fds().forEach(Fd::close);
        }
    }

    /** systemd's service_add_fd_store_set: the limit first, then the same open file, for each fd in turn. */
    private void store(UnixSockets.Datagram datagram, String name, boolean poll) {
        if (datagram.fds().isEmpty()) {
            protocolErrors.add("FDSTORE=1 for " + name + " came without an fd");
        }
        if (poll) {
            protocolErrors.add("FDSTORE=1 for " + name + " came without FDPOLL=0; systemd drops a map fd then");
            datagram.fds().forEach(Fd::close);
            return;
        }
        for (Fd fd : datagram.fds()) {
            if (fdStore.size() >= fdStoreMax) {
                droppedAtLimit++;
                fd.close();
            } else if (fdStore.stream().anyMatch(entry -> sameOpenFile(entry.fd(), fd))) {
                droppedAsDuplicates++;
                fd.close();
            } else {
                fdStore.add(0, new StoredFd(name, fd));
            }
        }
    }

    /** systemd's fdname_is_valid: at most 255 characters of printable ASCII, without ':'. */
    static boolean isValidFdName(String name) {
        return name.length() <= FDNAME_MAX && name.chars().allMatch(c -> c >= ' ' && c < 127 && c != ':');
    }

    /** systemd's same_fd: kcmp(KCMP_FILE) of two fds of this process. */
    private static boolean sameOpenFile(Fd a, Fd b) {
        long pid = ProcessHandle.current().pid();
        long result = LibC.INSTANCE.syscall(SYS_KCMP, pid, pid, KCMP_FILE, FdNumbers.of(a), FdNumbers.of(b), 0);
        if (result < 0) {
            throw new IllegalStateException("kcmp: " + Errno.name(LibC.errno()));
        }
        return result == 0;
    }

    /** One entry of the store: an fd and the name systemd hands it back under. */
    private record StoredFd(String name, Fd fd) {
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
