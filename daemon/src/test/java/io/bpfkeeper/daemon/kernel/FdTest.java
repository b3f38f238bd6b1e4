package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Ownership of file descriptors, with map fds as the real thing. */
@KernelTest
class FdTest {

    /** Fds that the JVM may open meanwhile on its own, such as a jar or a log file. */
    private static final int UNRELATED_FDS = 5;
    private static final int REUSE_ATTEMPTS = 20;

    /**
     * The kernel hands the closed number to the next fd, unless another thread of the test JVM (a
     * daemon of an earlier test winding down, say) takes or frees a number in between: the test
     * tries again then, a bounded number of times.
     */
    @Test
    void secondCloseDoesNotCloseTheNumberReusedByAnotherFd() {
        for (int attempt = 0; attempt < REUSE_ATTEMPTS; attempt++) {
            BpfMap first = TestMaps.oneEntryArray("first");
            int number = FdNumbers.of(first.fd());
            first.close();
            try (BpfMap second = TestMaps.oneEntryArray("second")) {
                if (FdNumbers.of(second.fd()) != number) {
                    continue;
                }

                first.close();

                assertThat(Fd.isValid(number)).isTrue();
                assertThat(ObjectIdentity.of(second.fd())).isEqualTo(new ObjectIdentity(ObjectKind.MAP, second.id()));
                return;
            }
        }
        throw new AssertionError("the kernel never handed a closed number to the next fd in " + REUSE_ATTEMPTS
                + " attempts");
    }

    @Test
    void leaseAfterCloseThrowsInsteadOfHandingOutAStaleNumber() {
        BpfMap map = TestMaps.oneEntryArray("closed");
        map.close();

        assertThat(map.fd().isOpen()).isFalse();
        assertThatThrownBy(() -> FdNumbers.of(map.fd())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingWhileLeasedKeepsTheNumberUntilTheLastLeaseEnds() {
        BpfMap map = TestMaps.oneEntryArray("leased");
        Fd.Lease first = map.fd().lease();
        Fd.Lease second = map.fd().lease();
        int number = first.number();

        map.close();
        assertThat(map.fd().isOpen()).isFalse();
        assertThatThrownBy(() -> map.fd().lease()).as("no new lease once closed")
                .isInstanceOf(IllegalStateException.class);
        try (Fd copy = Fd.duplicate(number)) {
            assertThat(ObjectIdentity.of(copy)).as("a leased number still names the map")
                    .isEqualTo(new ObjectIdentity(ObjectKind.MAP, map.id()));
        }

        first.close();
        first.close();
        assertThat(Fd.isValid(number)).as("one lease is still open, and a lease ends once").isTrue();
        second.close();
        assertThat(Fd.isValid(number)).isFalse();
    }

    @Test
    void releaseRefusesWhileLeased() {
        try (BpfMap map = TestMaps.oneEntryArray("in_use"); Fd.Lease lease = map.fd().lease()) {
            assertThatThrownBy(() -> map.fd().release()).isInstanceOf(IllegalStateException.class);
            assertThat(Fd.isValid(lease.number())).isTrue();
        }
    }

    @Test
    void dupIsIndependentOfTheOriginal() {
        try (BpfMap map = TestMaps.oneEntryArray("duped")) {
            Fd copy = map.fd().dup();
            int copyNumber = FdNumbers.of(copy);
            try (copy) {
                assertThat(copyNumber).isNotEqualTo(FdNumbers.of(map.fd()));
                assertThat(ObjectIdentity.of(copy)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, map.id()));
            }

            assertThat(Fd.isValid(copyNumber)).isFalse();
            assertThat(Fd.isValid(FdNumbers.of(map.fd()))).isTrue();
        }
    }

    @Test
    void closingTheOriginalLeavesTheDupValid() {
        BpfMap map = TestMaps.oneEntryArray("original");
        int originalNumber = FdNumbers.of(map.fd());
        try (Fd copy = map.fd().dup()) {
            map.close();

            assertThat(Fd.isValid(originalNumber)).isFalse();
            assertThat(Fd.isValid(FdNumbers.of(copy))).isTrue();
            assertThat(ObjectIdentity.of(copy)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, map.id()));
        }
    }

    @Test
    void creatingAndClosingAThousandMapsLeaksNoFd() throws IOException {
        TestMaps.oneEntryArray("warm_up").close();
        long before = openFdCount();

        for (int i = 0; i < 1000; i++) {
            TestMaps.oneEntryArray("leak_check").close();
        }

        assertThat(openFdCount()).isLessThanOrEqualTo(before + UNRELATED_FDS);
    }

    private static long openFdCount() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
