package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.OpenAt.O_CLOEXEC;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_DIRECTORY;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_NOFOLLOW;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_NONBLOCK;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_PATH;
import static io.bpfkeeper.daemon.kernel.OpenAt.O_RDONLY;

import io.bpfkeeper.daemon.logging.LogText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network namespace to act in, as a client names it: a name under /run/netns, as {@code ip netns
 * add} makes them, or {@code pid:PID}, the namespace of a process of the client's own uid (root: of
 * any process), or an fd of it that came with the call. No other path is opened: a client cannot
 * make the daemon open, as root, a FIFO, a device or a file it could not read itself, nor learn
 * from the error whether such a file exists.
 *
 * <p>The kernel looks device names and indexes up, and libbpf's netlink sockets see devices, in the
 * namespace of the calling thread. So {@link #run} enters the namespace on a thread made for that
 * one call, never on a thread of the daemon's pools, which must all stay in the daemon's own
 * namespace; and it waits for that thread only until a deadline. What the action creates there,
 * such as a link fd, works from any thread afterwards.
 */
public final class NetworkNamespace {

    /** The daemon's own namespace: actions run on the calling thread. */
    public static final NetworkNamespace DAEMONS_OWN = new NetworkNamespace(null, null);

    /** How long a caller waits for the work in a namespace, entering it included. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);
    private static final String NAMED = "/run/netns";
    private static final String CALLING_THREADS = "/proc/thread-self/ns/net";
    private static final long NSFS_MAGIC = 0x6e736673L;
    private static final int CLONE_NEWNET = 0x40000000;
    /** How a namespace that came as an fd is named: as readlink shows a namespace fd. */
    private static final Pattern PASSED = Pattern.compile("net:\\[[0-9]+\\]");
    private static final int ROOT = 0;
    /** NAME_MAX: no directory entry has a longer name, in bytes. */
    private static final int MAX_NAME_BYTES = 255;
    /** A form other than a plain name: "pid:" and what follows it. */
    private static final Pattern FORM = Pattern.compile("([a-z]+):(.*)", Pattern.DOTALL);
    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern UID_LINE = Pattern.compile("^Uid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$",
            Pattern.MULTILINE);
    /**
     * Threads that may be in a namespace at once. One whose work never ends keeps its permit, so
     * that stuck work cannot grow without bound; callers wait for a permit until their deadline.
     */
    private static final Semaphore ENTERING = new Semaphore(16);

    private final String spec;
    private final Source source;

    private NetworkNamespace(String spec, Source source) {
        this.spec = spec;
        this.source = source;
    }

    /** Where an fd of a namespace comes from: one kind for each form a client may name it in. */
    private sealed interface Source permits Named, OfProcess, Passed, RecordedPath {

        /**
         * An O_PATH fd of what the spec names, not yet checked to be a namespace.
         *
         * @throws InvalidTargetException the same one, whatever the cause, when it cannot be had
         */
        Fd openPath(NetworkNamespace netns);

        /** What to tell a client who named one that cannot be used, after "no network namespace X". */
        String hint();

        /** {@code tool} run in the namespace, as a shell command line begins. */
        String command(String tool);

        /** The part of a call that names the namespace. */
        default Part part() {
            return Part.NETNS;
        }
    }

    /** A name under /run/netns: one path component, which the daemon does not follow if it is a link. */
    private record Named(String name) implements Source {
        @Override
        public Fd openPath(NetworkNamespace netns) {
            try (Fd directory = OpenAt.path(NAMED, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) {
                return OpenAt.relative(directory, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            } catch (BpfException e) {
                throw netns.unusable(e);
            }
        }

        @Override
        public String hint() {
            return "ip netns list shows the names under " + NAMED;
        }

        @Override
        public String command(String tool) {
            return tool + " -n " + name;
        }
    }

    /**
     * The namespace of process {@code pid}, if it runs as {@code requesterUid} (or that is root).
     * Both the namespace and the process's uid are read through one fd of /proc/PID: if the pid is
     * reused by another process meanwhile, that fd still means the first one, and reading it fails.
     */
    private record OfProcess(int pid, int requesterUid) implements Source {
        @Override
        public Fd openPath(NetworkNamespace netns) {
            try (Fd process = OpenAt.path("/proc/" + pid, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) {
                // The uid is read after the namespace is taken: a process that is the requester's by
                // then is in that namespace as the requester's.
                return OpenAt.relative(process, "ns/net", O_PATH | O_CLOEXEC).into(namespace -> {
                    if (requesterUid != ROOT && !runsAs(process, requesterUid)) {
                        throw netns.unusable(null);
                    }
                    return namespace;
                });
            } catch (BpfException e) {
                throw netns.unusable(e);
            }
        }

        /** Whether all four of the process's uids (real, effective, saved, filesystem) are {@code uid}. */
        private static boolean runsAs(Fd process, int uid) {
            try (Fd status = OpenAt.relative(process, "status", O_RDONLY | O_CLOEXEC)) {
                Matcher uids = UID_LINE.matcher(new String(FdReader.readAll(status, "status"),
                        StandardCharsets.UTF_8));
                if (!uids.find()) {
                    return false;
                }
                for (int i = 1; i <= 4; i++) {
                    if (Long.parseLong(uids.group(i)) != Integer.toUnsignedLong(uid)) {
                        return false;
                    }
                }
                return true;
            }
        }

        @Override
        public String hint() {
            return "pid:PID names the network namespace of a running process of your own uid";
        }

        @Override
        public String command(String tool) {
            return "nsenter -t " + pid + " -n " + tool;
        }
    }

    /**
     * A namespace whose fd came with the call (netnsFd): the client could open it, which says
     * nothing about whether it may act there; that is the policy's, by the namespace's owner. The fd
     * stays whoever took it from the call; once it is closed, or for a record read back from the
     * journal ({@code fd} null), the namespace can no longer be entered.
     */
    private record Passed(Fd fd) implements Source {
        @Override
        public Fd openPath(NetworkNamespace netns) {
            if (fd != null) {
                try {
                    return fd.dup();
                } catch (ClosedFdException closed) {
                    // The call that passed it is over.
                }
            }
            throw new InvalidTargetException(part(), netns + " came as an fd with the call that attached"
                    + " there, and the daemon did not keep that fd");
        }

        @Override
        public String hint() {
            String given = fd == null ? "" : describe(fd);
            return "netnsFd takes an fd of a network namespace, such as one of /proc/PID/ns/net or /run/netns/NAME"
                    + " opened by the caller" + (given.isEmpty() ? "" : "; the fd given is " + LogText.quote(given));
        }

        @Override
        public String command(String tool) {
            return "nsenter --net=/proc/PID/ns/net " + tool;
        }

        @Override
        public Part part() {
            return Part.NETNS_FD;
        }

        /** What the fd is, as readlink of /proc/self/fd shows it: "pipe:[…]", "mnt:[…]", a path. */
        private static String describe(Fd fd) {
            try (Fd.Lease lease = fd.lease()) {
                return Files.readSymbolicLink(Path.of("/proc/thread-self/fd/" + lease.number())).toString();
            } catch (IOException | ClosedFdException e) {
                return "";
            }
        }
    }

    /**
     * A path that an older bpfkeeper accepted and recorded in its journal, such as /proc/PID/ns/net.
     * Its record still says where a link is attached, but the daemon no longer opens such a path.
     */
    private record RecordedPath(String path) implements Source {
        @Override
        public Fd openPath(NetworkNamespace netns) {
            throw new InvalidTargetException(Part.NETNS, "an older bpfkeeper recorded network namespace " + path
                    + " as a path, which the daemon no longer opens");
        }

        @Override
        public String hint() {
            return "";
        }

        @Override
        public String command(String tool) {
            return "nsenter --net=" + path + " " + tool;
        }
    }

    /**
     * A namespace as a client named it, for a client of uid {@code requesterUid}; every form is read
     * here. Whether it exists, and whether the client may use it, shows when it is entered.
     *
     * @throws InvalidTargetException when {@code spec} is none of the forms
     */
    public static NetworkNamespace of(String spec, int requesterUid) {
        Matcher form = FORM.matcher(spec);
        if (!form.matches()) {
            return new NetworkNamespace(spec, new Named(validName(spec)));
        }
        String value = form.group(2);
        switch (form.group(1)) {
            case "pid":
                if (!PID.matcher(value).matches() || Long.parseLong(value) > Integer.MAX_VALUE) {
                    throw new InvalidTargetException(Part.NETNS, "pid:PID takes a process id, a positive decimal"
                            + " number; got " + LogText.quote(spec));
                }
                return new NetworkNamespace(spec, new OfProcess(Integer.parseInt(value), requesterUid));
            default:
                throw new InvalidTargetException(Part.NETNS, LogText.quote(spec) + " is none of the forms of a network"
                        + " namespace: a name under " + NAMED + ", or pid:PID");
        }
    }

    /**
     * The namespace of an fd that came with a call, named {@code net:[INODE]} as readlink names it.
     * It is checked at once to be a network namespace: a FIFO, a socket, a file or a namespace of
     * another kind is refused, and nothing in the check can block. The fd stays the caller's, and
     * the namespace can be entered while the fd is open.
     *
     * @throws InvalidTargetException naming netnsFd when the fd is no network namespace
     */
    public static NetworkNamespace passed(Fd fd) {
        NetworkNamespace unnamed = new NetworkNamespace("given as netnsFd", new Passed(fd));
        try (Fd checked = unnamed.open(); Fd.Lease lease = checked.lease()) {
            String name = Files.readSymbolicLink(Path.of("/proc/thread-self/fd/" + lease.number())).toString();
            return new NetworkNamespace(name, new Passed(fd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A namespace as the journal recorded it, to be used for the client who made the record: a name
     * or pid:PID, which act as for root (what the daemon does there is checked against the namespace
     * it did it in, by inode); a path that an older bpfkeeper accepted, or a namespace that came as
     * an fd ({@code net:[INODE]}), neither of which can be entered again.
     */
    public static NetworkNamespace recorded(String spec) {
        if (PASSED.matcher(spec).matches()) {
            return new NetworkNamespace(spec, new Passed(null));
        }
        return spec.startsWith("/") ? new NetworkNamespace(spec, new RecordedPath(spec)) : of(spec, ROOT);
    }

    /** A single path component, not "." or "..", of printable characters, at most NAME_MAX bytes. */
    private static String validName(String name) {
        boolean printable = name.codePoints().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0));
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || !printable
                || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new InvalidTargetException(Part.NETNS, LogText.quote(name) + " is not a name under " + NAMED
                    + ": a network namespace is one of those names, one path component of at most " + MAX_NAME_BYTES
                    + " bytes, as ip netns add makes them, or pid:PID for a process of yours; the daemon opens no"
                    + " other path");
        }
        return name;
    }

    /**
     * Every namespace named under /run/netns, by name, as {@code ip netns list} shows them; none when
     * nothing was ever named there.
     */
    public static List<NetworkNamespace> named() {
        try (Stream<Path> names = Files.list(Path.of(NAMED))) {
            return names.map(name -> name.getFileName().toString()).sorted()
                    .map(name -> new NetworkNamespace(name, new Named(name))).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The namespace as the client named it; null for the daemon's own. */
    public String spec() {
        return spec;
    }

    /** The name under /run/netns of a namespace named so; null for the other forms. */
    public String nameUnderRunNetns() {
        return source instanceof Named named ? named.name() : null;
    }

    /**
     * The uid that owns the user namespace this namespace belongs to, read through the same checked
     * open as entering it; empty where there is no such namespace that the client may use.
     */
    public OptionalInt ownerUid() {
        try (Fd namespace = source == null ? OpenAt.path(CALLING_THREADS, O_RDONLY | O_CLOEXEC) : open()) {
            return NamespaceOwner.ownerUid(namespace);
        } catch (InvalidTargetException unusable) {
            return OptionalInt.empty();
        }
    }

    /** {@code tool} run in this namespace, as a shell command line begins, for hints and Explain. */
    public String command(String tool) {
        return source == null ? tool : source.command(tool);
    }

    /**
     * Runs {@code action} in this namespace and returns what it returns, or throws what it throws.
     * A result that comes after the caller stopped waiting is closed, if it can be.
     *
     * @throws InvalidTargetException when there is no such namespace that the client may use
     * @throws BpfException with ETIMEDOUT when the work did not end within {@link #DEADLINE}
     */
    public <T> T run(Supplier<T> action) {
        return run(action, NetworkNamespace::closeIfCloseable);
    }

    /**
     * Like {@link #run(Supplier)}, with what undoes a result that comes too late: it runs on the
     * namespace's thread, in the namespace, after the caller has stopped waiting.
     */
    public <T> T run(Supplier<T> action, Consumer<T> undoLate) {
        return run(action, undoLate, DEADLINE);
    }

    /**
     * For any namespace but the daemon's own, the action runs on a new thread, which enters the
     * namespace, runs the action, goes back, and ends. The namespace is opened, and checked, on the
     * calling thread: nothing in that can block.
     */
    <T> T run(Supplier<T> action, Consumer<T> undoLate, Duration deadline) {
        if (source == null) {
            return action.get();
        }
        long until = System.nanoTime() + deadline.toNanos();
        Fd target = open();
        if (!acquire(deadline)) {
            target.close();
            throw timedOut("the daemon is already waiting on as many namespace calls as it runs at once");
        }
        Outcome<T> outcome = new Outcome<>();
        Thread thread = new Thread(() -> {
            try {
                enterAndRun(target, action, undoLate, outcome);
            } catch (RuntimeException | Error e) {
                outcome.fail(e);
            } finally {
                ENTERING.release();
            }
        }, "netns " + spec);
        // A thread that never ends must not keep the daemon from exiting.
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            ENTERING.release();
            target.close();
            throw e;
        }
        return outcome.await(until, "the work in " + this + " did not end within " + deadline.toMillis() + " ms");
    }

    private static boolean acquire(Duration deadline) {
        boolean interrupted = false;
        long until = System.nanoTime() + deadline.toNanos();
        try {
            while (true) {
                try {
                    return ENTERING.tryAcquire(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * An fd of this namespace for setns: opened as O_PATH, so that opening it runs no driver's or
     * FIFO's open; checked to be a namespace (nsfs); only then opened for real, through the fd,
     * which nothing can swap; and checked to be a network namespace.
     */
    private Fd open() {
        try (Fd path = source.openPath(this); Fd.Lease pathLease = path.lease()) {
            if (FileSystemType.of(path) != NSFS_MAGIC) {
                throw unusable(null);
            }
            return OpenAt.path("/proc/thread-self/fd/" + pathLease.number(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                    .into(namespace -> {
                        if (NamespaceOwner.type(namespace) != CLONE_NEWNET) {
                            throw unusable(null);
                        }
                        return namespace;
                    });
        } catch (BpfException e) {
            throw unusable(e);
        }
    }

    /**
     * The one error for a namespace that cannot be used, whatever the reason: missing, not a
     * namespace, or not the client's. Only running out of fds or memory shows as itself.
     */
    private RuntimeException unusable(BpfException cause) {
        if (cause != null && !OpenAt.deniesTheFile(cause)) {
            return cause.withContext("open network namespace " + spec);
        }
        return new InvalidTargetException(source.part(), "no network namespace " + spec
                + " that you may use (" + source.hint() + ")");
    }

    private static BpfException timedOut(String why) {
        return new BpfException("setns", Errno.ETIMEDOUT, "enter network namespace",
                why + "; nothing was done there, or what was is undone");
    }

    private <T> void enterAndRun(Fd target, Supplier<T> action, Consumer<T> undoLate, Outcome<T> outcome) {
        try (Fd own = OpenAt.path(CALLING_THREADS, O_RDONLY | O_CLOEXEC); target;
                Fd.Lease ownLease = own.lease(); Fd.Lease targetLease = target.lease()) {
            if (LibC.INSTANCE.setns(targetLease.number(), CLONE_NEWNET) != 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINVAL) {
                    // Some other kind of namespace.
                    throw unusable(null);
                }
                throw new BpfException("setns", errno).withContext("enter network namespace " + spec);
            }
            try {
                T result = action.get();
                if (!outcome.succeed(result)) {
                    log.warn("{}: the work ended after its caller had stopped waiting; undoing it", this);
                    undoLate.accept(result);
                }
            } finally {
                if (LibC.INSTANCE.setns(ownLease.number(), CLONE_NEWNET) != 0) {
                    // Harmless, since the thread ends now; but it should never happen.
                    log.warn("thread {} could not go back to the daemon's network namespace: {}",
                            Thread.currentThread().getName(), Errno.name(LibC.errno()));
                }
            }
        }
    }

    private static <T> void closeIfCloseable(T result) {
        if (result instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("could not close {}, which came too late: {}", result, e.toString());
            }
        }
    }

    /** What the namespace's thread left, a result or a failure, and whether anyone still waits for it. */
    private static final class Outcome<T> {
        private T result;
        private Throwable failure;
        private boolean done;
        private boolean abandoned;

        /** @return false when the caller has stopped waiting, and the result is to be undone */
        synchronized boolean succeed(T value) {
            if (abandoned) {
                return false;
            }
            result = value;
            done = true;
            notifyAll();
            return true;
        }

        synchronized void fail(Throwable e) {
            if (abandoned) {
                log.warn("work in a network namespace failed after its caller had stopped waiting", e);
                return;
            }
            failure = e;
            done = true;
            notifyAll();
        }

        /**
         * Waits until {@code until} (System.nanoTime), through interrupts, which it passes on.
         *
         * @param late why the call failed, if it comes to that
         */
        synchronized T await(long until, String late) {
            boolean interrupted = false;
            try {
                while (!done) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        abandoned = true;
                        throw timedOut(late);
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure != null) {
                throw (Error) failure;
            }
            return result;
        }
    }

    /**
     * The inode of the calling thread's network namespace. It names the namespace for as long as the
     * namespace exists, where a name under /run/netns or a pid may come to mean another one.
     */
    public static long currentInode() {
        try {
            String link = Files.readSymbolicLink(Path.of(CALLING_THREADS)).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return spec == null ? "the daemon's network namespace" : "network namespace " + spec;
    }
}
