package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpffsMount;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pin walk in a bpffs of the test's own: changes made right after a scan, within the same tick
 * of the kernel's coarse clock, are seen by the next scan, and directories that did not change are
 * not read again once they have settled.
 */
@KernelTest
class PinScanTest {

    private static final int ITERATIONS = 200;
    /** A clock this far ahead makes every directory settled, as if it had not changed for a while. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RACE = Duration.ofSeconds(5);
    private static final Duration PAST_SETTLING = Duration.ofMillis(2 * PinScan.SETTLE_MILLIS);

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private BpfMap first;
    private BpfMap second;

    @BeforeEach
    void createMaps() {
        first = oneEntryArray("first");
        second = oneEntryArray("second");
    }

    @AfterEach
    void closeMaps() {
        first.close();
        second.close();
    }

    @Test
    void pinAddedRenamedReplacedOrRemovedRightAfterAScanIsSeenByTheNext() throws Exception {
        PinScan scan = new PinScan();
        Path kept = bpffs.path().resolve("kept");
        Path added = bpffs.path().resolve("added");
        Path renamed = bpffs.path().resolve("renamed");
        BpfFs.pin(first.fd(), kept);
        for (int i = 0; i < ITERATIONS; i++) {
            assertThat(pinsOf(scan, first)).containsExactly(kept);

            BpfFs.pin(second.fd(), added);
            assertThat(pinsOf(scan, second)).containsExactly(added);

            Files.move(added, renamed, StandardCopyOption.ATOMIC_MOVE);
            assertThat(pinsOf(scan, second)).containsExactly(renamed);

            Files.delete(renamed);
            BpfFs.pin(first.fd(), renamed);
            assertThat(pinsOf(scan, second)).isEmpty();
            assertThat(pinsOf(scan, first)).containsExactlyInAnyOrder(kept, renamed);

            Files.delete(renamed);
            assertThat(pinsOf(scan, first)).containsExactly(kept);
        }
    }

    @Test
    void pinChangedInASubdirectoryRightAfterAScanIsSeenByTheNext() throws Exception {
        PinScan scan = new PinScan();
        Path directory = Files.createDirectories(bpffs.path().resolve("outer/inner"));
        Path pin = directory.resolve("pin");
        for (int i = 0; i < ITERATIONS; i++) {
            assertThat(pinsOf(scan, first)).isEmpty();

            BpfFs.pin(first.fd(), pin);
            assertThat(pinsOf(scan, first)).containsExactly(pin);

            Files.delete(pin);
        }
    }

    @Test
    void settledDirectoriesThatDidNotChangeAreNotListedAgain() throws Exception {
        PinScan scan = new PinScan();
        Path directory = Files.createDirectories(bpffs.path().resolve("outer/inner"));
        Path pin = directory.resolve("pin");
        BpfFs.pin(first.fd(), pin);
        waitUntilSettled();
        assertThat(pinsOf(scan, first)).containsExactly(pin);
        assertThat(scan.directoriesListedByLastScan()).isEqualTo(3);

        assertThat(pinsOf(scan, first)).containsExactly(pin);
        assertThat(scan.directoriesListedByLastScan()).isZero();

        Path added = directory.resolve("added");
        BpfFs.pin(first.fd(), added);
        assertThat(pinsOf(scan, first)).containsExactlyInAnyOrder(pin, added);
        assertThat(scan.directoriesListedByLastScan()).isEqualTo(1);
    }

    @Test
    void directoriesTouchedWithinTheSettlingTimeAreListedOnEveryScan() throws Exception {
        PinScan scan = new PinScan();
        BpfFs.pin(first.fd(), Files.createDirectories(bpffs.path().resolve("recent")).resolve("pin"));

        pinsOf(scan, first);
        pinsOf(scan, first);

        assertThat(scan.directoriesListedByLastScan()).isEqualTo(2);
    }

    @Test
    void removedDirectoryIsForgottenAndARemadeOneIsListed() throws Exception {
        PinScan scan = new PinScan();
        Path directory = Files.createDirectories(bpffs.path().resolve("gone/again"));
        Path pin = directory.resolve("pin");
        BpfFs.pin(first.fd(), pin);
        waitUntilSettled();
        assertThat(pinsOf(scan, first)).containsExactly(pin);

        Files.delete(pin);
        Files.delete(directory);
        assertThat(pinsOf(scan, first)).isEmpty();

        Files.createDirectory(directory);
        BpfFs.pin(second.fd(), pin);
        assertThat(pinsOf(scan, first)).isEmpty();
        assertThat(pinsOf(scan, second)).containsExactly(pin);
    }

    @Test
    void bpffsMountedOverAListedDirectoryIsListedAndForgottenOnceUnmounted() throws Exception {
        PinScan scan = new PinScan();
        Path directory = Files.createDirectories(bpffs.path().resolve("mountpoint"));
        Path pin = directory.resolve("pin");
        try (BpffsMount mounted = BpffsMount.create()) {
            BpfFs.pin(first.fd(), mounted.path().resolve("pin"));
            waitUntilSettled();
            assertThat(pinsOf(scan, first)).isEmpty();

            // A bind mount: the same bpffs instance, visible at a second place. Mounting changes
            // no directory's times, only what the mount point's path leads to.
            Processes.run(COMMAND_TIMEOUT, "mount", "--bind", mounted.path().toString(), directory.toString())
                    .requireSuccess();
            try {
                assertThat(pinsOf(scan, first)).containsExactly(pin);
                assertThat(scan.directoriesListedByLastScan()).isEqualTo(1);
            } finally {
                Processes.run(COMMAND_TIMEOUT, "umount", directory.toString()).requireSuccess();
            }
            assertThat(pinsOf(scan, first)).isEmpty();
        }
    }

    @Test
    void mountsNoLongerScannedAreForgotten() throws Exception {
        PinScan scan = new PinScan();
        Path pin = bpffs.path().resolve("pin");
        BpfFs.pin(first.fd(), pin);
        try (BpffsMount other = BpffsMount.create()) {
            Path otherPin = other.path().resolve("pin");
            BpfFs.pin(first.fd(), otherPin);
            List<Path> both = List.of(bpffs.path(), other.path());
            waitUntilSettled();
            assertThat(scan.pinsOf(identity(first), both)).extracting(Holder.Pin::path)
                    .containsExactlyInAnyOrder(pin, otherPin);

            assertThat(pinsOf(scan, first)).containsExactly(pin);
            assertThat(scan.directoriesListedByLastScan()).isZero();

            assertThat(scan.pinsOf(identity(first), both)).extracting(Holder.Pin::path)
                    .containsExactlyInAnyOrder(pin, otherPin);
            assertThat(scan.directoriesListedByLastScan()).isEqualTo(1);
        }
    }

    /**
     * A directory swapped for a symlink and back while scans run, as a client may do in its own
     * directory under the pin root: no scan follows the symlink, so a pin is reported only where it
     * is, never under the directory's name. A bounded race, which the swaps must win nothing of.
     */
    @Test
    void aDirectorySwappedForASymlinkDuringScansIsNeverFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(bpffs.path().resolve("elsewhere"));
        BpfFs.pin(first.fd(), elsewhere.resolve("pin"));
        Path swapped = Files.createDirectory(bpffs.path().resolve("swapped"));
        Path parked = bpffs.path().resolve("parked");
        Path link = Files.createSymbolicLink(bpffs.path().resolve("link"), elsewhere);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> swaps = CompletableFuture.supplyAsync(() -> {
            long count = 0;
            try {
                while (!stop.get()) {
                    Files.move(swapped, parked);
                    Files.move(link, swapped);
                    Files.move(swapped, link);
                    Files.move(parked, swapped);
                    count++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return count;
        });
        PinScan scan = new PinScan();
        Set<Path> reported = new HashSet<>();
        long scans = 0;
        try {
            for (long end = System.nanoTime() + RACE.toNanos(); System.nanoTime() < end; scans++) {
                reported.addAll(pinsOf(scan, first));
            }
        } finally {
            stop.set(true);
        }
        assertThat(swaps.join()).as("swaps").isPositive();
        assertThat(scans).as("scans").isPositive();
        assertThat(reported).containsExactly(elsewhere.resolve("pin"));
    }

    /**
     * Lets every directory of the test settle: only listings of directories untouched for {@link
     * PinScan#SETTLE_MILLIS} are reused, and no clock can stand in for the kernel's.
     */
    private static void waitUntilSettled() throws InterruptedException {
        Thread.sleep(PinScan.SETTLE_MILLIS + 50);
    }

    private List<Path> pinsOf(PinScan scan, BpfMap map) {
        return scan.pinsOf(identity(map), List.of(bpffs.path())).stream().map(Holder.Pin::path).toList();
    }

    private static ObjectIdentity identity(BpfMap map) {
        return new ObjectIdentity(ObjectKind.MAP, map.id());
    }

    private static BpfMap oneEntryArray(String name) {
        return BpfMap.create(new MapSpec(name, MapType.ARRAY, 4, 8, 1, 0));
    }
}
