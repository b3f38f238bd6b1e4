package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Tracing;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.List;

/**
 * Hooks fentry and fexit: the kernel function a tracing program was loaded for, through a link. A
 * function given in the call is checked against that one.
 */
final class TracingHook extends HookBinding.MakesLink<Tracing.Options> {

    static final TracingHook ENTRY = new TracingHook(false);
    static final TracingHook EXIT = new TracingHook(true);

    private final boolean exit;

    private TracingHook(boolean exit) {
        super(exit ? Hook.FEXIT : Hook.FENTRY, List.of(), List.of("function"), Tracing.Options.class);
        this.exit = exit;
    }

    @Override
    boolean describes(AttachOptions options) {
        return options instanceof Tracing.Options tracing && tracing.exit() == exit;
    }

    /** @return options whose function is null when the call named none: the program's is taken */
    @Override
    Tracing.Options options(AttachCall call) {
        return new Tracing.Options(call.params().string("function", null), exit);
    }

    @Override
    BpfLink attach(BpfProgram program, Tracing.Options options) {
        return Tracing.attach(program, options.function(), options.exit());
    }

    @Override
    AttachTarget target(Tracing.Options options) {
        return functionTarget(options.function(), null);
    }

    /** The function members of an AttachTarget, for kprobe, kretprobe, fentry and fexit. */
    static AttachTarget functionTarget(String function, Long offset) {
        return new AttachTarget(null, null, null, null, null, null, null, null, null, null, function, offset);
    }
}
