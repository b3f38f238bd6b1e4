package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.DaemonOnPrivateBpffs;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelFeature;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Tracepoint, kprobe and fentry links count the system calls this test's thread makes (the
 * programs count no other thread's), and stop once released.
 */
@KernelTest
class AttachTracingTest extends DaemonOnPrivateBpffs {

    private static final Duration FREED = Duration.ofSeconds(10);
    private static final int CALLS = 10;
    /** x86-64 getpgid(2), whose kernel function __x64_sys_getpgid the kprobe and fentry programs watch. */
    private static final long SYS_GETPGID = 121;
    private static final String GETPGID_FUNCTION = "__x64_sys_getpgid";

    @Test
    void tracepointLinkCountsTheGetpidCallsOfThisThreadUntilReleased() {
        Counters.Loaded getpid = Counters.load(client,
                Counters.countingThisThread("getpid", "getpid_tracepoint"), "getpid_tracepoint");

        BpfObject link = client.attach(AttachRequest.tracepoint(getpid.program().id(), "syscalls",
                "sys_enter_getpid"));

        assertThat(link.type()).isEqualTo("perf_event");
        assertThat(link.link().hook()).isEqualTo(Hook.TRACEPOINT);
        assertThat(link.link().target().category()).isEqualTo("syscalls");
        assertThat(link.link().target().name()).isEqualTo("sys_enter_getpid");
        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(getpid.program().id());
        callGetpid();
        assertThat(Counters.read(client, getpid.counter())).isEqualTo(CALLS);

        client.release(Kind.LINK, link.id());

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        callGetpid();
        assertThat(Counters.read(client, getpid.counter())).isEqualTo(CALLS);
    }

    /** Where the kernel has no kprobe events, the daemon says so and points to fentry. */
    @Test
    void kprobeAttachOnAKernelWithoutKprobeEventsSaysWhatItLacks() {
        KernelFeature.KPROBE_EVENTS.requireAbsent();
        Counters.Loaded getpgid = Counters.load(client,
                Counters.countingThisThread("getpgid", "getpgid_kprobe"), "getpgid_kprobe");

        var failure = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.attach(
                AttachRequest.onFunction(getpgid.program().id(), Hook.KPROBE, GETPGID_FUNCTION)));

        assertThat(failure.parameters().get("hint").asText())
                .contains("no kprobe events", "CONFIG_KPROBE_EVENTS", "fentry");
        assertThat(failure.getMessage()).contains("attach kprobe link to " + GETPGID_FUNCTION);
        assertThat(client.list(Kind.LINK, null)).isEmpty();
    }

    @Test
    void kprobeLinkCountsGetpgidCallsUntilReleased() {
        KernelFeature.KPROBE_EVENTS.require();
        Counters.Loaded getpgid = Counters.load(client,
                Counters.countingThisThread("getpgid", "getpgid_kprobe"), "getpgid_kprobe");

        BpfObject link = client.attach(AttachRequest.onFunction(getpgid.program().id(), Hook.KPROBE,
                GETPGID_FUNCTION));
        assertThat(link.link().target().function()).isEqualTo(GETPGID_FUNCTION);
        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(getpgid.program().id());
        callGetpgid();
        assertThat(Counters.read(client, getpgid.counter())).isEqualTo(CALLS);

        client.release(Kind.LINK, link.id());

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        callGetpgid();
        assertThat(Counters.read(client, getpgid.counter())).isEqualTo(CALLS);
    }

    /** Where the kernel refuses every program that needs a BPF trampoline, the load says EPERM. */
    @Test
    void fentryLoadOnAKernelWithoutTrampolinesIsRefusedWithEperm() {
        KernelFeature.BPF_TRAMPOLINES.requireAbsent();

        var refused = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> Counters.load(client,
                Counters.countingThisThread("getpgid", "getpgid_fentry"), "getpgid_fentry"));

        assertThat(refused.parameters().get("errnoName").asText()).isEqualTo("EPERM");
        assertThat(client.list(Kind.PROGRAM, null)).isEmpty();
    }

    /**
     * The function comes from the load, and a different one is refused. An fentry link cannot be
     * forced off its hook: Detach says so and leaves it; Release ends it.
     */
    @Test
    void fentryLinkCountsCallsOfTheFunctionItWasLoadedForUntilReleased() {
        KernelFeature.BPF_TRAMPOLINES.require();
        Counters.Loaded getpgid = Counters.load(client, Counters.countingThisThread("getpgid", "getpgid_fentry"),
                "getpgid_fentry");
        var mismatch = expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.attach(
                AttachRequest.onFunction(getpgid.program().id(), Hook.FENTRY, "bpfkeeper_no_such_function")));
        assertThat(mismatch.parameters().get("parameter").asText()).isEqualTo("function");
        assertThat(mismatch.getMessage()).contains("loaded for kernel function " + GETPGID_FUNCTION);

        BpfObject link = client.attach(AttachRequest.of(getpgid.program().id(), Hook.FENTRY));

        assertThat(link.type()).isEqualTo("tracing");
        assertThat(link.link().target().function()).isEqualTo(GETPGID_FUNCTION);
        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(getpgid.program().id());
        callGetpgid();
        assertThat(Counters.read(client, getpgid.counter())).isEqualTo(CALLS);

        var failure = expectError(BpfkeeperInterface.KERNEL_ERROR, () -> client.detach(Kind.LINK, link.id()));
        assertThat(failure.parameters().get("errnoName").asText()).isEqualTo("EOPNOTSUPP");
        assertThat(failure.parameters().get("hint").asText()).contains("Release");
        callGetpgid();
        assertThat(Counters.read(client, getpgid.counter())).as("still attached").isEqualTo(2 * CALLS);

        client.release(Kind.LINK, link.id());

        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.LINK, (int) link.id()), "the link is freed");
        callGetpgid();
        assertThat(Counters.read(client, getpgid.counter())).isEqualTo(2 * CALLS);
    }

    /** glibc's getpid is a system call each time since 2.25: it no longer caches the pid. */
    private static void callGetpid() {
        for (int i = 0; i < CALLS; i++) {
            LibC.INSTANCE.getpid();
        }
    }

    private static void callGetpgid() {
        for (int i = 0; i < CALLS; i++) {
            LibC.INSTANCE.syscall(SYS_GETPGID, 0, 0, 0);
        }
    }
}
