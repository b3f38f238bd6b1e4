package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoadSpec;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoader;
import io.bpfkeeper.daemon.kernel.libbpf.LoadedElfObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Kernel features that some tests need and some kernels lack. A test that needs one is skipped,
 * visibly, where a probe says the kernel lacks it; a test of the error a kernel without it gives is
 * skipped where the kernel has it. These skip reasons are the only ones that {@code scripts/run-tests}
 * lets pass under {@code CI=true}: it reads them from {@code scripts/allowed-skips}, which lists
 * {@link #lacking()} and {@link #present()} of every feature here.
 *
 * <p>Each probe asks the kernel directly, not through the daemon, so that a daemon bug cannot pass
 * for a missing feature.
 */
public enum KernelFeature {

    /** kprobe events, without which no kprobe can be attached. */
    KPROBE_EVENTS("CONFIG_KPROBE_EVENTS", () -> Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))),
    /**
     * BPF trampolines, which fentry, fexit, fmod_ret and lsm programs need. Some kernels refuse every
     * such load with EPERM before the verifier runs, bpftool's loads too.
     */
    BPF_TRAMPOLINES("BPF trampolines", KernelFeature::loadsFentryProgram);

    private final String name;
    private final BooleanSupplier probe;
    private Boolean present;

    KernelFeature(String name, BooleanSupplier probe) {
        this.name = name;
        this.probe = probe;
    }

    /** The skip reason where the kernel lacks this feature. */
    public String lacking() {
        return "kernel lacks: " + name;
    }

    /** The skip reason where the kernel has this feature, for a test of what happens without it. */
    public String present() {
        return "kernel has: " + name + " (the error of a kernel without it cannot be shown)";
    }

    public synchronized boolean isPresent() {
        if (present == null) {
            present = probe.getAsBoolean();
        }
        return present;
    }

    /** Skips the calling test, with {@link #lacking()}, where the kernel lacks this feature. */
    public void require() {
        Assumptions.assumeTrue(isPresent(), lacking());
    }

    /** Skips the calling test, with {@link #present()}, where the kernel has this feature. */
    public void requireAbsent() {
        Assumptions.assumeFalse(isPresent(), present());
    }

    private static boolean loadsFentryProgram() {
        ElfLoadSpec spec = new ElfLoadSpec("probe", BpfTestObjects.bytes("getpgid_fentry"), Map.of(), Map.of(),
                Map.of());
        try (LoadedElfObject loaded = new ElfLoader().load(spec)) {
            return true;
        } catch (BpfException e) {
            if (e.errno() == Errno.EPERM) {
                return false;
            }
            throw e;
        }
    }
}
