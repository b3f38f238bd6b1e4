package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.libbpf.TcHooks;

/**
 * tc filters: a sched_cls program as a cls_bpf filter in direct-action mode on the clsact qdisc of a
 * device, added through libbpf. There is no link: the kernel's tc subsystem holds the program until
 * the filter is deleted or the device goes away, so the filter outlives the daemon. Where the
 * kernel has TCX (6.6), a tcx link does the same and dies with its holders.
 */
public final class Tc {

    private static final int MAX_PRIORITY = 0xffff;

    private Tc() {
    }

    /**
     * @param priority the filter's priority, 1 to 65535; 0 asks the kernel to pick one
     * @param handle the filter's handle; 0 asks the kernel to pick one
     */
    public record Options(NetDevice device, Direction direction, int priority, int handle) implements AttachOptions {
        @Override
        public String toString() {
            return "tc " + direction.label() + " of " + device + ", priority " + priority + ", handle 0x"
                    + Integer.toHexString(handle);
        }
    }

    public static TcFilter attach(BpfProgram program, Options options) {
        Hooks.requireType(program, "tc", ProgramType.SCHED_CLS);
        if (options.priority() < 0 || options.priority() > MAX_PRIORITY) {
            throw new InvalidTargetException(Part.TC_PRIORITY, "a tc priority is 1 to " + MAX_PRIORITY + ", or absent");
        }
        NetDevice device = options.device();
        return device.netns().run(() -> {
            int ifindex = device.index();
            int hook = hook(options.direction());
            long netnsInode = NetworkNamespace.currentInode();
            try {
                TcHooks.createHook(ifindex, hook);
                TcHooks.Filter filter = TcHooks.attach(ifindex, hook, program.fd(), options.priority(),
                        options.handle());
                return new TcFilter(new Options(device, options.direction(), filter.priority(), filter.handle()),
                        program.id(), ifindex, netnsInode);
            } catch (BpfException e) {
                throw explain(e, options).withContext("attach tc filter to " + device + " "
                        + options.direction().label());
            }
        }, TcFilter::detachHere);
    }

    private static BpfException explain(BpfException failure, Options options) {
        if (failure.errno() == Errno.EEXIST) {
            return failure.withHint("the " + options.direction().label() + " hook of " + options.device()
                    + " has a filter with priority " + options.priority() + " and handle " + options.handle()
                    + " already; choose others, or leave them out for the kernel to pick");
        }
        return failure;
    }

    static int hook(Direction direction) {
        return direction == Direction.INGRESS ? TcHooks.INGRESS : TcHooks.EGRESS;
    }
}
