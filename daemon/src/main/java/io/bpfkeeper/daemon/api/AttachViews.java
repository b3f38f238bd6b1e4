package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Cgroup;
import io.bpfkeeper.daemon.kernel.link.Kprobe;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.link.Tc;
import io.bpfkeeper.daemon.kernel.link.Tcx;
import io.bpfkeeper.daemon.kernel.link.Tracepoint;
import io.bpfkeeper.daemon.kernel.link.Tracing;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.AttachmentProperties;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.LinkProperties;
import io.bpfkeeper.protocol.types.XdpMode;

/** Links and attachments as the IDL's {@code LinkProperties} and {@code AttachmentProperties} describe them. */
final class AttachViews {

    private AttachViews() {
    }

    static LinkProperties link(BpfLink link) {
        return new LinkProperties(hook(link.options()), link.programId(), target(link.options()), link.isAttached());
    }

    static AttachmentProperties attachment(Attachment attachment) {
        return new AttachmentProperties(hook(attachment.options()), attachment.programId(),
                target(attachment.options()), attachment.heldBy());
    }

    static Hook hook(AttachOptions options) {
        if (options instanceof Xdp.Options) {
            return Hook.XDP;
        }
        if (options instanceof Tcx.Options) {
            return Hook.TCX;
        }
        if (options instanceof Tc.Options) {
            return Hook.TC;
        }
        if (options instanceof Cgroup.Options) {
            return Hook.CGROUP;
        }
        if (options instanceof Tracepoint.Options) {
            return Hook.TRACEPOINT;
        }
        if (options instanceof Kprobe.Options kprobe) {
            return kprobe.onReturn() ? Hook.KRETPROBE : Hook.KPROBE;
        }
        return ((Tracing.Options) options).exit() ? Hook.FEXIT : Hook.FENTRY;
    }

    /** Only the members of the hook are set, so the IDL's nullable members stay out of the JSON. */
    static AttachTarget target(AttachOptions options) {
        if (options instanceof Xdp.Options xdp) {
            return device(xdp.device(), null, xdp.mode() == null ? null : XdpMode.valueOf(xdp.mode().name()),
                    null, null);
        }
        if (options instanceof Tcx.Options tcx) {
            return device(tcx.device(), direction(tcx.direction()), null, null, null);
        }
        if (options instanceof Tc.Options tc) {
            return device(tc.device(), direction(tc.direction()), null, (long) tc.priority(),
                    Integer.toUnsignedLong(tc.handle()));
        }
        if (options instanceof Cgroup.Options cgroup) {
            return new AttachTarget(null, null, null, null, null, null, cgroup.cgroup().toString(),
                    cgroup.attachType().name(), null, null, null, null);
        }
        if (options instanceof Tracepoint.Options tracepoint) {
            return new AttachTarget(null, null, null, null, null, null, null, null, tracepoint.category(),
                    tracepoint.name(), null, null);
        }
        if (options instanceof Kprobe.Options kprobe) {
            return function(kprobe.function(), kprobe.offset());
        }
        return function(((Tracing.Options) options).function(), null);
    }

    private static AttachTarget device(NetDevice device, Direction direction, XdpMode mode, Long priority,
            Long handle) {
        return new AttachTarget(device.name(), device.netns().spec(), direction, mode, priority, handle, null, null,
                null, null, null, null);
    }

    private static AttachTarget function(String function, Long offset) {
        return new AttachTarget(null, null, null, null, null, null, null, null, null, null, function, offset);
    }

    private static Direction direction(io.bpfkeeper.daemon.kernel.link.Direction direction) {
        return Direction.valueOf(direction.name());
    }
}
