package io.bpfkeeper.daemon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network namespace that a user made for itself: {@code unshare -Urn sleep} run as the user, so
 * that the namespace belongs to a user namespace the user owns. It lives while the sleep does.
 */
public final class UserNetns implements AutoCloseable {

    private static final Duration QUICKLY = Duration.ofSeconds(5);

    private final Process runuser;
    private final long pid;

    private UserNetns(Process runuser, long pid) {
        this.runuser = runuser;
        this.pid = pid;
    }

    /** Starts the sleep as {@code user}, and returns once it is in its own network namespace. */
    public static UserNetns of(TestUser user) throws IOException {
        Process runuser = new ProcessBuilder("runuser", "-u", user.name(), "--", "unshare", "-Urn", "sleep", "600")
                .start();
        try {
            AtomicLong found = new AtomicLong();
            Eventually.until(QUICKLY, () -> {
                runuser.descendants().filter(process -> process.info().command().orElse("").endsWith("/sleep"))
                        .findFirst().ifPresent(process -> found.set(process.pid()));
                return found.get() != 0;
            }, "unshare has started sleep");
            UserNetns netns = new UserNetns(runuser, found.get());
            String own = namespaceOf("self");
            Eventually.until(QUICKLY, () -> !own.equals(netns.name()), "sleep has left the test's network namespace");
            return netns;
        } catch (RuntimeException | Error e) {
            stop(runuser);
            throw e;
        }
    }

    /** The sleep, which is in the namespace. */
    public long pid() {
        return pid;
    }

    /** /proc/PID/ns/net of the sleep. */
    public String path() {
        return "/proc/" + pid + "/ns/net";
    }

    /** The namespace as readlink names it, such as net:[4026532301]; empty once the sleep is gone. */
    public String name() {
        return namespaceOf(Long.toString(pid));
    }

    private static String namespaceOf(String process) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", process, "ns", "net")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        stop(runuser);
    }

    /** The user cannot be deleted while its sleep runs. */
    private static void stop(Process runuser) {
        runuser.descendants().forEach(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
        runuser.destroyForcibly();
        runuser.onExit().join();
    }
}
