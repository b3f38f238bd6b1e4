package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.DaemonProcess;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Loading and releasing an object a thousand times leaves the daemon with the fds and the memory it
 * had: libbpf's object, the ELF copy and the verifier log buffer are all freed every time.
 */
@KernelTest
class LoadObjectMemoryTest {

    /** The bound on resident growth over 900 loads, after warm-up: a leaked object is far more. */
    private static final long RESIDENT_GROWTH_BOUND = 24L * 1024 * 1024;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void aThousandLoadsAndReleasesLeakNoFdAndNoNativeMemory() {
        byte[] elf = BpfTestObjects.bytes("globals");
        try (DaemonProcess daemon = DaemonProcess.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            // Long enough for the JIT and the heap to settle: their growth is not what this test looks for.
            loadAndRelease(client, elf, 300);
            daemon.collectGarbage();
            int fdsAfterWarmUp = daemon.openFds();
            long residentAfterWarmUp = daemon.residentBytes();

            loadAndRelease(client, elf, 900);
            daemon.collectGarbage();

            assertThat(daemon.openFds()).isEqualTo(fdsAfterWarmUp);
            assertThat(daemon.residentBytes() - residentAfterWarmUp).isLessThan(RESIDENT_GROWTH_BOUND);
        }
    }

    private static void loadAndRelease(BpfkeeperClient client, byte[] elf, int times) {
        for (int i = 0; i < times; i++) {
            client.releaseGroup(client.loadObject(LoadObjectRequest.of("cycle", elf)).group());
        }
    }
}
