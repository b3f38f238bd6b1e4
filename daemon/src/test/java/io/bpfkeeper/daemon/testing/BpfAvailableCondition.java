package io.bpfkeeper.daemon.testing;

import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@link KernelTest}s only where BPF works. The witness is real use
 * rather than a feature list: mount a private bpffs, create and pin an array
 * map there with bpftool, and read it back. That needs root, the bpf()
 * syscall, bpffs and bpftool, as the kernel tests do. It runs once per JVM.
 *
 * <p>Where it fails, a kernel test is skipped with the reason, so that a
 * developer without BPF still runs everything else. Under {@code CI=true} it
 * fails instead: CI exists to run the kernel tests, and a green run that
 * skipped them would be a lie.
 */
public final class BpfAvailableCondition implements ExecutionCondition {
    private final Supplier<Optional<String>> unavailabilityProbe;
    private final boolean ci;

    /** The condition of {@link KernelTest}: probes this host, and reads CI from the environment. */
    public BpfAvailableCondition() {
        this(() -> HostProbe.UNAVAILABILITY, "true".equals(System.getenv("CI")));
    }

    /**
     * A condition with its inputs given, for testing its logic.
     *
     * @param unavailabilityProbe why BPF is unusable, or empty where it works
     * @param ci whether a skip must fail instead
     */
    public BpfAvailableCondition(Supplier<Optional<String>> unavailabilityProbe, boolean ci) {
        this.unavailabilityProbe = unavailabilityProbe;
        this.ci = ci;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> unavailability = unavailabilityProbe.get();
        if (unavailability.isEmpty()) {
            return ConditionEvaluationResult.enabled("BPF works on this host");
        }
        String reason = "BPF is unusable on this host: " + unavailability.get();
        if (ci) {
            throw new IllegalStateException("CI=true, so a kernel test must run, but " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /** Holds the probe's result; the JVM runs the probe when the field is first read. */
    private static final class HostProbe {
        static final Optional<String> UNAVAILABILITY = probe();

        private static Optional<String> probe() {
            try (BpffsMount bpffs = BpffsMount.create()) {
                Bpftool.createPinnedArrayMap(bpffs.path().resolve("probe"), "bpfkeeper_probe");
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of(e.getMessage());
            }
        }
    }
}
