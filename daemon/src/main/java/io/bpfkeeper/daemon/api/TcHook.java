package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.Tc;
import io.bpfkeeper.daemon.kernel.link.TcFilter;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.List;

/**
 * Hook tc: a cls_bpf filter on a device's clsact qdisc. The kernel holds it, not a link: the daemon
 * records it as an attachment.
 */
final class TcHook extends HookBinding<Tc.Options> {

    static final TcHook BINDING = new TcHook();

    private TcHook() {
        super(Hook.TC, List.of("interface", "direction"), List.of("netns", "priority", "handle"), Tc.Options.class);
    }

    @Override
    void requireParameters(Params params) throws VarlinkError {
        if (params.has("netnsFd")) {
            throw ApiErrors.invalidArgument("netnsFd", "the kernel holds a tc filter in its namespace, and the daemon"
                    + " must enter that namespace again to detach it, after a restart too, which an fd passed"
                    + " with the call does not survive; name the namespace with netns, a name under /run/netns, or"
                    + " attach with hook tcx, whose link holds its namespace");
        }
        super.requireParameters(params);
    }

    @Override
    Tc.Options options(AttachCall call) throws VarlinkError {
        Params params = call.params();
        return new Tc.Options(call.device(), call.direction(),
                (int) filterNumber(params, "priority", Tc.MAX_PRIORITY, "a tc priority is 1 to " + Tc.MAX_PRIORITY
                        + ", or absent"),
                (int) filterNumber(params, "handle", Tc.MAX_HANDLE, "must be 0 to " + Tc.MAX_HANDLE));
    }

    /** Adds the filter, which the kernel holds from then on. */
    TcFilter attach(BpfProgram program, Tc.Options options) {
        return Tc.attach(program, options);
    }

    @Override
    AttachTarget target(Tc.Options options) {
        return AttachCall.deviceTarget(options.device(), AttachCall.wire(options.direction()), null,
                (long) options.priority(), Integer.toUnsignedLong(options.handle()));
    }

    /** A tc priority or handle: unsigned, 0 (or absent) for the kernel to pick. */
    private static long filterNumber(Params params, String parameter, long max, String bounds) throws VarlinkError {
        if (!params.has(parameter)) {
            return 0;
        }
        long value = params.node(parameter).asLong();
        if (value < 0 || value > max) {
            throw ApiErrors.invalidArgument(parameter, bounds + ", got " + value);
        }
        return value;
    }
}
