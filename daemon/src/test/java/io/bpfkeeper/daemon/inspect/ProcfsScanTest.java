package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.HoldingProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /proc scan for fds of one object, which several threads share. */
@KernelTest
class ProcfsScanTest {

    /**
     * Scans enough times that the holder's batch of pids falls to each of the scanning threads, and
     * to one that is still busy with it when the others are done.
     */
    private static final int SCANS = 200;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void findsTheHolderInEveryScanWhicheverThreadScansIt() {
        Path pin = bpffs.path().resolve("held");
        int id = Bpftool.createPinnedArrayMap(pin, "held");
        try (HoldingProcess holder = HoldingProcess.holding(pin)) {
            for (int scan = 0; scan < SCANS; scan++) {
                assertThat(ProcfsScan.holding(ObjectKind.MAP, id)).as("scan %d", scan)
                        .containsExactly(new Holder.ProcessFd((int) holder.pid(), "java", holder.fd()));
            }
        }
    }
}
