package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Tcx;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.List;

/** Hook tcx: a TCX link on a network device's ingress or egress. */
final class TcxHook extends HookBinding.MakesLink<Tcx.Options> {

    static final TcxHook BINDING = new TcxHook();

    private TcxHook() {
        super(Hook.TCX, List.of("interface", "direction"), List.of("netns", "netnsFd"), Tcx.Options.class);
    }

    @Override
    void requireCombination(Params params) throws VarlinkError {
        AttachCall.requireOneNetns(params);
    }

    @Override
    Tcx.Options options(AttachCall call) {
        return new Tcx.Options(call.device(), call.direction());
    }

    @Override
    BpfLink attach(BpfProgram program, Tcx.Options options) {
        return Tcx.attach(program, options);
    }

    @Override
    AttachTarget target(Tcx.Options options) {
        return AttachCall.deviceTarget(options.device(), AttachCall.wire(options.direction()), null, null, null);
    }
}
