package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Tracepoint;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.List;

/** Hook tracepoint: a kernel tracepoint, through a perf event link. */
final class TracepointHook extends HookBinding.MakesLink<Tracepoint.Options> {

    static final TracepointHook BINDING = new TracepointHook();

    private TracepointHook() {
        super(Hook.TRACEPOINT, List.of("category", "name"), List.of(), Tracepoint.Options.class);
    }

    @Override
    Tracepoint.Options options(AttachCall call) {
        return new Tracepoint.Options(call.params().string("category"), call.params().string("name"));
    }

    @Override
    BpfLink attach(BpfProgram program, Tracepoint.Options options) {
        return Tracepoint.attach(program, options);
    }

    @Override
    AttachTarget target(Tracepoint.Options options) {
        return new AttachTarget(null, null, null, null, null, null, null, null, options.category(), options.name(),
                null, null);
    }
}
