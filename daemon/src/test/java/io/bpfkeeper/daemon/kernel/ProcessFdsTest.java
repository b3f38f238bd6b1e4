package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The /proc scan behind Explain's process holders, against fds whose numbers this process knows. */
@KernelTest
class ProcessFdsTest {

    /** More fds than one getdents64 call returns (its 32 KiB hold about 1,300 of /proc's entries). */
    private static final int MANY_FDS = 2_000;

    private static final List<byte[]> MAP_TARGETS =
            ObjectKind.MAP.fdLinkTargets().stream().map(ProcessFds::target).toList();

    @Test
    void findsEveryMapFdOfAProcessWhoseFdsTakeSeveralDirectoryReads() {
        List<BpfMap> maps = new ArrayList<>();
        try {
            Set<Integer> mapFds = new TreeSet<>();
            for (int i = 0; i < MANY_FDS; i++) {
                BpfMap map = TestMaps.oneEntryArray("scanned");
                maps.add(map);
                mapFds.add(FdNumbers.of(map.fd()));
            }
            Set<Integer> found = new TreeSet<>();

            new ProcessFds().eachLinkedTo((int) ProcessHandle.current().pid(), MAP_TARGETS, found::add);

            // Other tests' maps may still be open in this JVM; ours must all be there.
            assertThat(found).containsAll(mapFds);
        } finally {
            maps.forEach(BpfMap::close);
        }
    }

    @Test
    void skipsFdsOfOtherKinds() {
        try (BpfMap map = TestMaps.oneEntryArray("only_maps")) {
            List<byte[]> programTargets = ObjectKind.PROGRAM.fdLinkTargets().stream().map(ProcessFds::target).toList();
            Set<Integer> found = new TreeSet<>();

            new ProcessFds().eachLinkedTo((int) ProcessHandle.current().pid(), programTargets, found::add);

            assertThat(found).doesNotContain(FdNumbers.of(map.fd()));
        }
    }

    @Test
    void aProcessThatIsGoneHasNoFds() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        List<Integer> found = new ArrayList<>();

        new ProcessFds().eachLinkedTo((int) exited.pid(), MAP_TARGETS, found::add);

        assertThat(found).isEmpty();
    }

    @Test
    void listsThisProcessAndItsChildButNotThreads() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            int self = (int) ProcessHandle.current().pid();
            List<Integer> otherThreads = tasks.map(task -> Integer.parseInt(task.getFileName().toString()))
                    .filter(task -> task != self).toList();

            List<Integer> pids = Arrays.stream(new ProcessFds().pids()).boxed().toList();

            assertThat(pids).contains(self, (int) child.pid());
            assertThat(otherThreads).as("a JVM runs threads besides its main one").isNotEmpty();
            assertThat(pids).doesNotContainAnyElementsOf(otherThreads);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }
}
