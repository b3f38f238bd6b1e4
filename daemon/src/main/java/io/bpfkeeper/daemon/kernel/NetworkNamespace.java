package io.bpfkeeper.daemon.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network namespace to act in: one named under /run/netns, as {@code ip netns add} makes them, or
 * one given by a path such as /proc/PID/ns/net. The kernel looks device names and indexes up, and
 * libbpf's netlink sockets see devices, in the namespace of the calling thread. So {@link #run}
 * enters the namespace on a thread made for that one call, never on a thread of the daemon's pools,
 * which must all stay in the daemon's own namespace. What the action creates there, such as a link
 * fd, works from any thread afterwards.
 */
public final class NetworkNamespace {

    /** The daemon's own namespace: actions run on the calling thread. */
    public static final NetworkNamespace DAEMONS_OWN = new NetworkNamespace(null, null);

    private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);
    private static final Path NAMED = Path.of("/run/netns");
    private static final Path CALLING_THREADS = Path.of("/proc/thread-self/ns/net");
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;

    private final String spec;
    private final Path path;

    private NetworkNamespace(String spec, Path path) {
        this.spec = spec;
        this.path = path;
    }

    /**
     * A namespace by its name under /run/netns, or by an absolute path. Whether it exists shows when
     * it is entered.
     */
    public static NetworkNamespace of(String spec) {
        if (spec.indexOf('/') < 0) {
            if (spec.isEmpty() || spec.equals(".") || spec.equals("..")) {
                throw new InvalidTargetException("netns", "\"" + spec + "\" is not a network namespace name");
            }
            return new NetworkNamespace(spec, NAMED.resolve(spec));
        }
        Path path = Path.of(spec);
        if (!path.isAbsolute()) {
            throw new InvalidTargetException("netns",
                    "\"" + spec + "\" is neither a name under " + NAMED + " nor an absolute path");
        }
        return new NetworkNamespace(spec, path);
    }

    /**
     * Every namespace named under /run/netns, by name, as {@code ip netns list} shows them; none when
     * nothing was ever named there.
     */
    public static List<NetworkNamespace> named() {
        try (Stream<Path> names = Files.list(NAMED)) {
            return names.map(name -> name.getFileName().toString()).sorted().map(NetworkNamespace::of).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The inode of this namespace, as {@link #currentInode} has it; for the daemon's own, of the
     * calling thread's, which is the daemon's own on all of its threads.
     *
     * @throws InvalidTargetException when there is no such namespace
     */
    public long inode() {
        if (path == null) {
            return currentInode();
        }
        try {
            // A name under /run/netns is the namespace's file bind-mounted there; stat follows it.
            return (Long) Files.getAttribute(path, "unix:ino");
        } catch (NoSuchFileException e) {
            throw new InvalidTargetException("netns", "no network namespace " + spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The namespace as the client named it; null for the daemon's own. */
    public String spec() {
        return spec;
    }

    /**
     * Runs {@code action} in this namespace and returns what it returns, or throws what it throws.
     * For any namespace but the daemon's own, the action runs on a new thread, which enters the
     * namespace, runs the action, goes back, and ends; the caller waits for it.
     *
     * @throws InvalidTargetException when there is no such namespace
     */
    public <T> T run(Supplier<T> action) {
        if (path == null) {
            return action.get();
        }
        Outcome<T> outcome = new Outcome<>();
        Thread thread = new Thread(() -> outcome.complete(() -> enterAndRun(action)), "netns " + spec);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // The action may be creating a kernel object: wait for it, so that nothing it made is lost.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcome.get();
    }

    /** What the namespace's thread left: a result or a failure. */
    private static final class Outcome<T> {
        private T result;
        private Throwable failure;

        void complete(Supplier<T> action) {
            try {
                result = action.get();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        T get() {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure != null) {
                throw (Error) failure;
            }
            return result;
        }
    }

    private <T> T enterAndRun(Supplier<T> action) {
        try (Fd own = open(CALLING_THREADS); Fd target = openTarget();
                Fd.Lease ownLease = own.lease(); Fd.Lease targetLease = target.lease()) {
            if (LibC.INSTANCE.setns(targetLease.number(), CLONE_NEWNET) != 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINVAL) {
                    throw new InvalidTargetException("netns", spec + " is not a network namespace");
                }
                throw new BpfException("setns", errno).withContext("enter network namespace " + spec);
            }
            try {
                return action.get();
            } finally {
                if (LibC.INSTANCE.setns(ownLease.number(), CLONE_NEWNET) != 0) {
                    // Harmless, since the thread ends now; but it should never happen.
                    log.warn("thread {} could not go back to the daemon's network namespace: {}",
                            Thread.currentThread().getName(), Errno.name(LibC.errno()));
                }
            }
        }
    }

    private Fd openTarget() {
        try {
            return open(path);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new InvalidTargetException("netns", "no network namespace " + spec
                        + (path.startsWith(NAMED) && path.getNameCount() == NAMED.getNameCount() + 1
                                ? " (ip netns list shows the names under " + NAMED + ")" : ": no such file"));
            }
            throw e.withContext("open network namespace " + spec);
        }
    }

    private static Fd open(Path file) {
        int fd = LibC.INSTANCE.open(file.toString(), O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new BpfException("open", LibC.errno());
        }
        return Fd.adopt(fd);
    }

    /**
     * The inode of the calling thread's network namespace. It names the namespace for as long as the
     * namespace exists, where a name under /run/netns or a pid may come to mean another one.
     */
    public static long currentInode() {
        try {
            String link = Files.readSymbolicLink(CALLING_THREADS).toString();
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
