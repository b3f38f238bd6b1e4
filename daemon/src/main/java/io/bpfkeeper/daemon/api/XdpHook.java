package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.XdpMode;
import java.util.List;

/** Hook xdp: an XDP link on a network device. */
final class XdpHook extends HookBinding.MakesLink<Xdp.Options> {

    static final XdpHook BINDING = new XdpHook();

    private XdpHook() {
        super(Hook.XDP, List.of("interface"), List.of("netns", "netnsFd", "mode"), Xdp.Options.class);
    }

    @Override
    void requireCombination(Params params) throws VarlinkError {
        AttachCall.requireOneNetns(params);
    }

    @Override
    Xdp.Options options(AttachCall call) {
        return new Xdp.Options(call.device(), call.params().has("mode") ? kernel(call.wire("mode", XdpMode.class))
                : null);
    }

    @Override
    BpfLink attach(BpfProgram program, Xdp.Options options) {
        return Xdp.attach(program, options);
    }

    @Override
    AttachTarget target(Xdp.Options options) {
        return AttachCall.deviceTarget(options.device(), null, options.mode() == null ? null : wire(options.mode()),
                null, null);
    }

    private static Xdp.Mode kernel(XdpMode mode) {
        return switch (mode) {
            case NATIVE -> Xdp.Mode.NATIVE;
            case GENERIC -> Xdp.Mode.GENERIC;
            case OFFLOAD -> Xdp.Mode.OFFLOAD;
        };
    }

    private static XdpMode wire(Xdp.Mode mode) {
        return switch (mode) {
            case NATIVE -> XdpMode.NATIVE;
            case GENERIC -> XdpMode.GENERIC;
            case OFFLOAD -> XdpMode.OFFLOAD;
        };
    }
}
