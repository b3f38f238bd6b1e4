package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.VarlinkClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A real local user, made for one test with {@code useradd} and deleted after it: the attacker of
 * the trust tests. It has no capabilities and no group but its own, until a test gives it the
 * daemon socket's group ({@link TestDaemon#admit(TestUser)}).
 *
 * <p>{@link #run} runs code as this user on a thread of its own. Credentials on Linux belong to each
 * thread, and the raw setgroups, setresgid and setresuid syscalls (unlike glibc's wrappers, which
 * change every thread) change only the calling one. The thread sets real, effective and saved ids,
 * so it cannot take root back, and the kernel clears its capabilities: what it does, the kernel
 * judges as this user's. SO_PEERCRED of a socket it connects names this user.
 *
 * <p>Code run as the user can load no class from a jar it cannot read (Maven's repository is
 * root's): use classes that the test has already used as root.
 */
public final class TestUser implements AutoCloseable {

    private static final long SYS_SETGROUPS = 116;
    private static final long SYS_SETRESUID = 117;
    private static final long SYS_SETRESGID = 119;

    private final String name;
    private final int uid;
    private final int gid;

    private TestUser(String name, int uid, int gid) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /** Makes a user with a fresh name, a group of its own, no home and no login shell. */
    public static TestUser create() {
        String name = "bpfkt" + UUID.randomUUID().toString().substring(0, 8);
        command("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                name);
        int uid = Integer.parseInt(command("id", "-u", name).strip());
        int gid = Integer.parseInt(command("id", "-g", name).strip());
        return new TestUser(name, uid, gid);
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** Adds the user to a group, which its next {@link #run} carries as a supplementary group. */
    public void joinGroup(String group) {
        command("gpasswd", "--add", name, group);
    }

    /** Runs {@code action} as this user, for good, on a new thread; its result or failure is the caller's. */
    public <T> T run(Callable<T> action) throws Exception {
        int[] groups = supplementaryGroups();
        FutureTask<T> task = new FutureTask<>(() -> {
            becomeThisUser(groups);
            return action.call();
        });
        Thread thread = new Thread(task, "as-" + name);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A connection to the daemon at {@code socket} whose peer credentials are this user's. */
    public VarlinkClient connect(Path socket) throws Exception {
        // Load the client's classes while still root: the jars may be unreadable to this user.
        VarlinkClient.connect(socket).close();
        return run(() -> VarlinkClient.connect(socket));
    }

    public BpfkeeperClient client(Path socket) throws Exception {
        return new BpfkeeperClient(connect(socket));
    }

    private int[] supplementaryGroups() {
        return Arrays.stream(command("id", "-G", name).strip().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
    }

    private void becomeThisUser(int[] groups) {
        Runtime runtime = Runtime.getSystemRuntime();
        Pointer list = Memory.allocateDirect(runtime, Math.max(1, groups.length) * 4);
        for (int i = 0; i < groups.length; i++) {
            list.putInt(i * 4L, groups[i]);
        }
        // Groups first: once the uid is not root, the thread may no longer change them.
        check(LibC.INSTANCE.syscall(SYS_SETGROUPS, groups.length, list.address(), 0), "setgroups");
        check(LibC.INSTANCE.syscall(SYS_SETRESGID, gid, gid, gid), "setresgid");
        check(LibC.INSTANCE.syscall(SYS_SETRESUID, uid, uid, uid), "setresuid");
    }

    private static void check(long result, String call) {
        if (result != 0) {
            throw new IllegalStateException(call + ": errno " + LibC.errno());
        }
    }

    private static String command(String... command) {
        return Processes.run(Duration.ofSeconds(30), command).requireSuccess().stdout();
    }

    @Override
    public void close() {
        command("userdel", name);
    }

    @Override
    public String toString() {
        return name + " (uid " + uid + ")";
    }
}
