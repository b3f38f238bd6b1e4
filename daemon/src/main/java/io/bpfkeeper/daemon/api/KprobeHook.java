package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Kprobe;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.List;

/** Hooks kprobe and kretprobe: entry to or return from a kernel function, through a perf event link. */
final class KprobeHook extends HookBinding.MakesLink<Kprobe.Options> {

    static final KprobeHook ENTRY = new KprobeHook(false);
    static final KprobeHook RETURN = new KprobeHook(true);

    private final boolean onReturn;

    private KprobeHook(boolean onReturn) {
        super(onReturn ? Hook.KRETPROBE : Hook.KPROBE, List.of("function"), List.of("offset"), Kprobe.Options.class);
        this.onReturn = onReturn;
    }

    @Override
    boolean describes(AttachOptions options) {
        return options instanceof Kprobe.Options kprobe && kprobe.onReturn() == onReturn;
    }

    @Override
    Kprobe.Options options(AttachCall call) throws VarlinkError {
        return new Kprobe.Options(call.params().string("function"), call.params().size("offset", 0), onReturn);
    }

    @Override
    BpfLink attach(BpfProgram program, Kprobe.Options options) {
        return Kprobe.attach(program, options);
    }

    @Override
    AttachTarget target(Kprobe.Options options) {
        return TracingHook.functionTarget(options.function(), options.offset());
    }
}
