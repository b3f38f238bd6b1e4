package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.Bpf;
import io.bpfkeeper.daemon.kernel.BpfAttr;
import io.bpfkeeper.daemon.kernel.BpfCommand;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.ProgramType;
import jnr.ffi.Pointer;

/**
 * TCX links (Linux 6.6): a sched_cls program on a device's ingress or egress, without a qdisc, for
 * as long as the link lives. Several programs share a hook; a new one runs after the others.
 */
public final class Tcx {

    private static final AttachType INGRESS = AttachType.byName("tcx_ingress").orElseThrow();
    private static final AttachType EGRESS = AttachType.byName("tcx_egress").orElseThrow();

    private Tcx() {
    }

    public record Options(NetDevice device, Direction direction) implements AttachOptions {
        @Override
        public String toString() {
            return "tcx " + direction.label() + " of " + device;
        }
    }

    public static BpfLink attach(BpfProgram program, Options options) {
        Hooks.requireType(program, "tcx", ProgramType.SCHED_CLS);
        NetDevice device = options.device();
        AttachType type = options.direction() == Direction.INGRESS ? INGRESS : EGRESS;
        return device.netns().run(() -> {
            int ifindex = device.index();
            try {
                return BpfLink.create(program, ifindex, type, 0, options);
            } catch (BpfException e) {
                throw explain(e, ifindex, type)
                        .withContext("attach tcx link to " + device + " " + options.direction().label());
            }
        });
    }

    /** Kernels before 6.6 know no tcx attach type and say only EINVAL: probe, and say what to use. */
    private static BpfException explain(BpfException failure, int ifindex, AttachType type) {
        if (failure.errno() == Errno.EINVAL && !kernelHasTcx(ifindex, type)) {
            return failure.withHint("this kernel has no TCX, which came with Linux 6.6; attach with hook tc, a"
                    + " cls_bpf filter, instead");
        }
        return failure;
    }

    /**
     * Asks which programs the device's tcx hook has (BPF_PROG_QUERY). Only a kernel without TCX
     * finds the attach type invalid; it changes nothing on the device.
     */
    static boolean kernelHasTcx(int ifindex, AttachType type) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.Query.TARGET.put(attr, ifindex);
        BpfAttr.Query.ATTACH_TYPE.put(attr, type.value());
        return Bpf.callReturningErrno(BpfCommand.PROG_QUERY, attr) != -Errno.EINVAL;
    }
}
