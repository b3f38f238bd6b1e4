package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check-then-use races of issue 9 (3), run as an unprivileged member of the socket's group: while
 * the daemon works on a path through a directory of the attacker's, the attacker swaps that directory
 * with a symlink of its own (renameat2 RENAME_EXCHANGE), pointing into root's directory, into a
 * second bpffs, or out of bpffs. Each race runs for a bounded time and must win nothing, judged by
 * the kernel and the filesystem.
 */
@KernelTest
class PinPathRaceTest extends DaemonWithAttacker {

    private static final Duration RACE = Duration.ofSeconds(10);
    private static final long SYS_RENAMEAT2 = 316;
    private static final int AT_FDCWD = -100;
    private static final int RENAME_EXCHANGE = 2;

    /** Where escapes would land: a bpffs of its own, so that "not on a bpffs" cannot hide them. */
    @RegisterExtension
    final PrivateBpffs outside = new PrivateBpffs();

    @TempDir
    Path tmp;

    /** The policy lets the attacker pin under "mine/", so that what refuses it is how the daemon resolves paths. */
    @Override
    protected TestDaemon startDaemon() {
        return TestDaemon.startGranting(bpffs.path(), policyDir, attacker, "pinPrefix: \"mine/\"");
    }

    /** The attacker has a directory "mine" of its own on the pin root. */
    @BeforeEach
    void attackerWithADirectoryOfItsOwn() throws Exception {
        attacker.run(() -> Files.createDirectory(bpffs.path().resolve("mine")));
    }

    /** A map of the attacker's, pinned at {@code pin}. */
    private long ownMap(String pin) {
        return client.createMap(CreateMapRequest.of("own", "array", 4, 8, 1).withPin(pin)).id();
    }

    @Test
    void adoptByPathNeverTakesRootsPin() throws Exception {
        Path secret = Files.createDirectory(bpffs.path().resolve("secret"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int rootsMap = Bpftool.createPinnedArrayMap(secret.resolve("victim"), "rootsmap");
        int elsewhere = Bpftool.createPinnedArrayMap(outside.path().resolve("victim"), "elsewhere");
        long own = ownMap("mine/victim");
        client.release(Kind.MAP, own);
        Set<Long> adopted = new HashSet<>();
        int[] won = {0};
        long swaps = race(List.of(secret, outside.path()), () -> {
            try {
                long id = client.adopt(AdoptRequest.byPath("mine/victim")).id();
                adopted.add(id);
                client.release(Kind.MAP, id);
                won[0]++;
            } catch (VarlinkCallException refused) {
                // a swapped path is refused; that is the point
            }
        });

        assertThat(swaps).as("the attacker swapped").isPositive();
        assertThat(won[0]).as("adoptions of the attacker's own pin during the race").isPositive();
        assertThat(adopted).containsOnly(own);
        assertThat(bpfMapIdsHeldByThisProcess()).doesNotContain(rootsMap, elsewhere);
        assertThat(Bpftool.json("map", "show", "pinned", secret.resolve("victim").toString()).get("id")
                .asInt()).isEqualTo(rootsMap);
    }

    @Test
    void unpinNeverRemovesAFileOutsideTheAttackersDirectory() throws Exception {
        Path victimDirectory = Files.createDirectory(tmp.resolve("victims"));
        Path victimFile = Files.writeString(victimDirectory.resolve("victim"), "root's");
        int elsewhere = Bpftool.createPinnedArrayMap(outside.path().resolve("victim"), "elsewhere");
        long own = ownMap("mine/victim");
        int[] unpinned = {0};
        long swaps = race(List.of(victimDirectory, outside.path()), () -> {
            try {
                client.unpin(Kind.MAP, own, "mine/victim");
                unpinned[0]++;
            } catch (VarlinkCallException refused) {
                // no pin of its map there, or a swapped path
            }
            try {
                client.pin(Kind.MAP, own, "mine/victim");
            } catch (VarlinkCallException refused) {
                // there already, or a swapped path
            }
        });

        assertThat(swaps).as("the attacker swapped").isPositive();
        assertThat(unpinned[0]).as("unpins of the attacker's own pin during the race").isPositive();
        assertThat(victimFile).exists().hasContent("root's");
        assertThat(Bpftool.json("map", "show", "pinned", outside.path().resolve("victim").toString())
                .get("id").asInt()).isEqualTo(elsewhere);
    }

    @Test
    void pinNeverMakesDirectoriesOrPinsOutsideThePinRoot() throws Exception {
        Path victimDirectory = Files.createDirectory(tmp.resolve("victims"));
        List<Path> outsideBefore = tree(outside.path());
        long own = ownMap("mine/first");
        int[] attempt = {0};
        int[] pinned = {0};
        long swaps = race(List.of(victimDirectory, outside.path()), () -> {
            try {
                client.pin(Kind.MAP, own, "mine/made" + attempt[0]++ + "/pin");
                pinned[0]++;
            } catch (VarlinkCallException refused) {
                // a swapped path
            }
        });

        assertThat(swaps).as("the attacker swapped").isPositive();
        assertThat(pinned[0]).as("pins in the attacker's own directory during the race").isPositive();
        assertThat(tree(victimDirectory)).isEmpty();
        assertThat(tree(outside.path())).containsExactlyInAnyOrderElementsOf(outsideBefore);
    }

    /**
     * Runs {@code call} in a loop for {@link #RACE} while the attacker, on a thread of its own,
     * swaps its directory "mine" in the pin root with symlinks "to0", "to1", … to each target in
     * turn. Returns how many swaps it made.
     */
    private long race(List<Path> targets, Runnable call) throws Exception {
        List<Path> links = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            links.add(bpffs.path().resolve("to" + i));
        }
        Path mine = bpffs.path().resolve("mine");
        attacker.run(() -> {
            for (int i = 0; i < targets.size(); i++) {
                Files.createSymbolicLink(links.get(i), targets.get(i));
            }
            return null;
        });
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> swapper = CompletableFuture.supplyAsync(() -> {
            try {
                return attacker.run(() -> swapUntil(stop, mine, links));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Instant end = Instant.now().plus(RACE);
            while (Instant.now().isBefore(end)) {
                call.run();
            }
        } finally {
            stop.set(true);
        }
        return swapper.get();
    }

    private static long swapUntil(AtomicBoolean stop, Path mine, List<Path> links) {
        List<NativeBuffer> names = new ArrayList<>();
        try (NativeBuffer mineName = NativeBuffer.copyOf(mine.toString().getBytes(StandardCharsets.UTF_8))) {
            for (Path link : links) {
                names.add(NativeBuffer.copyOf(link.toString().getBytes(StandardCharsets.UTF_8)));
            }
            long swaps = 0;
            while (!stop.get()) {
                for (NativeBuffer link : names) {
                    // Twice: "mine" is the directory again between one target and the next.
                    for (int twice = 0; twice < 2; twice++) {
                        if (LibC.INSTANCE.syscall(SYS_RENAMEAT2, AT_FDCWD, mineName.address(), AT_FDCWD,
                                link.address(), RENAME_EXCHANGE, 0) == 0) {
                            swaps++;
                        }
                    }
                }
            }
            return swaps;
        } finally {
            names.forEach(NativeBuffer::close);
        }
    }

    /** Every file and directory under {@code directory}, without following symlinks. */
    private static List<Path> tree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(path -> !path.equals(directory)).toList();
        }
    }

    /** Ids of the maps that this process (the daemon's JVM) holds an fd of, from /proc/self/fdinfo. */
    private static Set<Integer> bpfMapIdsHeldByThisProcess() throws IOException {
        Set<Integer> ids = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path info : fds.toList()) {
                try {
                    for (String line : Files.readAllLines(info)) {
                        if (line.startsWith("map_id:")) {
                            ids.add(Integer.parseInt(line.substring("map_id:".length()).strip()));
                        }
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd closed while we listed them
                }
            }
        }
        return ids;
    }
}
