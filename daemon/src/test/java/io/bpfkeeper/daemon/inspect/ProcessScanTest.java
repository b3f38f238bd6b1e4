package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.HoldingProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two ways of finding the processes that hold an object: the BPF iterator and /proc. */
@KernelTest
class ProcessScanTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private final ProcessScan iterator = ProcessScan.preferringIterator();
    private final ProcessScan proc = ProcessScan.fromProc();

    @Test
    void theIteratorAndProcFindTheSameHoldersWithoutThisProcess() {
        // Else the first case would compare /proc with itself.
        assertThat(ProcessHolderIterator.shared()).as("the iterator loads on this kernel").isPresent();
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (HoldingProcess first = HoldingProcess.holding(pin);
                HoldingProcess second = HoldingProcess.holding(pin);
                Fd ours = BpfFs.open(pin)) {
            assertThat(iterator.holding(ObjectKind.MAP, id))
                    .containsExactlyElementsOf(proc.holding(ObjectKind.MAP, id))
                    .containsExactlyInAnyOrder(new Holder.ProcessFd((int) first.pid(), "java", first.fd()),
                            new Holder.ProcessFd((int) second.pid(), "java", second.fd()));
        }
    }

    @Test
    void theIteratorFindsAHolderAtAHighFdWhereProcDoes() {
        // Far past the first word of the open_fds bitmap, which the program walks a word at a time.
        assertThat(ProcessHolderIterator.shared()).as("the iterator loads on this kernel").isPresent();
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (HoldingProcess holder = HoldingProcess.holding(pin, 5000)) {
            assertThat(holder.fd()).isEqualTo(5000);
            assertThat(iterator.holding(ObjectKind.MAP, id))
                    .containsExactlyElementsOf(proc.holding(ObjectKind.MAP, id))
                    .containsExactly(new Holder.ProcessFd((int) holder.pid(), "java", 5000));
        }
    }

    @Test
    void aProcessWithMoreBpfFdsThanTheIteratorReportsIsLeftToProc() {
        assertThat(ProcessHolderIterator.shared()).as("the iterator loads on this kernel").isPresent();
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        // More than the program's MAX_RECORDS (1,000) for one process.
        try (HoldingProcess holder = HoldingProcess.holding(pin, 0, 1100)) {
            assertThat(ProcessHolderIterator.shared().orElseThrow().read().incomplete()).contains((int) holder.pid());
            assertThat(iterator.holding(ObjectKind.MAP, id))
                    .hasSize(1100)
                    .containsExactlyElementsOf(proc.holding(ObjectKind.MAP, id))
                    .contains(new Holder.ProcessFd((int) holder.pid(), "java", holder.fd()));
        }
    }

    @Test
    void theTaskFileProgramForOlderKernelsFindsTheSameHoldersAsProc() {
        ProcessHolderIterator taskFile = ProcessHolderIterator.load(ProcessHolderIterator.TASK_FILE_OBJECT);
        try {
            ProcessScan older = ProcessScan.using(taskFile);
            Path pin = bpffs.path().resolve("held");
            int id = Bpftool.createPinnedArrayMap(pin, "held");
            try (HoldingProcess low = HoldingProcess.holding(pin);
                    HoldingProcess high = HoldingProcess.holding(pin, 5000)) {
                assertThat(older.holding(ObjectKind.MAP, id))
                        .containsExactlyElementsOf(proc.holding(ObjectKind.MAP, id))
                        .containsExactlyInAnyOrder(new Holder.ProcessFd((int) low.pid(), "java", low.fd()),
                                new Holder.ProcessFd((int) high.pid(), "java", 5000));
            }
        } finally {
            taskFile.close();
        }
    }

    @Test
    void aKilledHolderIsGoneFromTheNextScan() {
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (HoldingProcess holder = HoldingProcess.holding(pin)) {
            assertThat(iterator.holding(ObjectKind.MAP, id))
                    .containsExactly(new Holder.ProcessFd((int) holder.pid(), "java", holder.fd()));
            holder.kill();
            assertThat(iterator.holding(ObjectKind.MAP, id)).isEmpty();
            assertThat(proc.holding(ObjectKind.MAP, id)).isEmpty();
        }
    }
}
