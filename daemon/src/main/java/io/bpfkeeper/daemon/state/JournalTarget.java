package io.bpfkeeper.daemon.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Cgroup;
import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.kernel.link.Kprobe;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.link.Tc;
import io.bpfkeeper.daemon.kernel.link.TcFilter;
import io.bpfkeeper.daemon.kernel.link.Tcx;
import io.bpfkeeper.daemon.kernel.link.Tracepoint;
import io.bpfkeeper.daemon.kernel.link.Tracing;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.daemon.registry.OwnedObject;
import java.nio.file.Path;

/**
 * Where a link or a link-less attachment is attached, as the journal writes it down: one record per
 * hook, told apart by the member "hook", in plain strings and numbers, so that the file reads
 * without the daemon's classes and a start can rebuild the {@link AttachOptions} it was made with.
 * A network namespace is written as the client named it; null is the daemon's own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "hook")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JournalTarget.XdpTarget.class, name = "xdp"),
        @JsonSubTypes.Type(value = JournalTarget.TcxTarget.class, name = "tcx"),
        @JsonSubTypes.Type(value = JournalTarget.TcFilterTarget.class, name = "tc"),
        @JsonSubTypes.Type(value = JournalTarget.CgroupTarget.class, name = "cgroup"),
        @JsonSubTypes.Type(value = JournalTarget.TracepointTarget.class, name = "tracepoint"),
        @JsonSubTypes.Type(value = JournalTarget.KprobeTarget.class, name = "kprobe"),
        @JsonSubTypes.Type(value = JournalTarget.TracingTarget.class, name = "tracing")})
sealed interface JournalTarget {

    /**
     * The options the link or attachment was made with.
     *
     * @throws RuntimeException when the record names something this daemon cannot express, such as
     *     an attach type it does not know
     */
    AttachOptions options();

    /**
     * Where a link or an attachment is attached; null for maps and programs, which are not, and for
     * a link the daemon kept without knowing where it is attached.
     */
    static JournalTarget of(OwnedObject object) {
        if (object instanceof OwnedObject.KernelHeld held) {
            return held.attachment() instanceof TcFilter filter ? TcFilterTarget.of(filter) : null;
        }
        KernelObject kernel = object.fdHeld().kernelObject();
        return kernel instanceof BpfLink link && link.options() != null ? ofLink(link.options()) : null;
    }

    private static JournalTarget ofLink(AttachOptions options) {
        if (options instanceof Xdp.Options xdp) {
            return new XdpTarget(xdp.device().name(), xdp.device().netns().spec(), xdp.mode());
        }
        if (options instanceof Tcx.Options tcx) {
            return new TcxTarget(tcx.device().name(), tcx.device().netns().spec(), tcx.direction());
        }
        if (options instanceof Cgroup.Options cgroup) {
            return new CgroupTarget(cgroup.cgroup().toString(), cgroup.attachType().name());
        }
        if (options instanceof Tracepoint.Options tracepoint) {
            return new TracepointTarget(tracepoint.category(), tracepoint.name());
        }
        if (options instanceof Kprobe.Options kprobe) {
            return new KprobeTarget(kprobe.function(), kprobe.offset(), kprobe.onReturn());
        }
        if (options instanceof Tracing.Options tracing) {
            return new TracingTarget(tracing.function(), tracing.exit());
        }
        throw new IllegalArgumentException(options + " is not where a link attaches");
    }

    private static NetDevice device(String interfaceName, String netns) {
        return new NetDevice(interfaceName, netns == null ? NetworkNamespace.DAEMONS_OWN
                : NetworkNamespace.recorded(netns));
    }

    /** @param mode null when the kernel chose */
    record XdpTarget(String interfaceName, String netns, Xdp.Mode mode) implements JournalTarget {
        @Override
        public Xdp.Options options() {
            return new Xdp.Options(device(interfaceName, netns), mode);
        }
    }

    record TcxTarget(String interfaceName, String netns, Direction direction) implements JournalTarget {
        @Override
        public Tcx.Options options() {
            return new Tcx.Options(device(interfaceName, netns), direction);
        }
    }

    /**
     * A tc filter has no fd to take back: a start looks for it at its place, which the device's index
     * and the namespace's inode name for as long as both exist.
     */
    record TcFilterTarget(String interfaceName, String netns, Direction direction, int priority, int handle,
            int ifindex, long netnsInode) implements JournalTarget {

        static TcFilterTarget of(TcFilter filter) {
            Tc.Options options = filter.options();
            return new TcFilterTarget(options.device().name(), options.device().netns().spec(), options.direction(),
                    options.priority(), options.handle(), filter.ifindex(), filter.netnsInode());
        }

        @Override
        public Tc.Options options() {
            return new Tc.Options(device(interfaceName, netns), direction, priority, handle);
        }

        /** The filter as recorded, running {@code programId}; whether the kernel still holds it is to be checked. */
        TcFilter filter(int programId) {
            return new TcFilter(options(), programId, ifindex, netnsInode);
        }
    }

    /** @param attachType by name, as in enum bpf_attach_type without BPF_, such as "cgroup_inet_egress" */
    record CgroupTarget(String cgroup, String attachType) implements JournalTarget {
        @Override
        public Cgroup.Options options() {
            return new Cgroup.Options(Path.of(cgroup), AttachType.byName(attachType).orElseThrow(
                    () -> new IllegalArgumentException("the journal names attach type " + attachType
                            + ", which this daemon does not know")));
        }
    }

    record TracepointTarget(String category, String name) implements JournalTarget {
        @Override
        public Tracepoint.Options options() {
            return new Tracepoint.Options(category, name);
        }
    }

    /** @param onReturn a kretprobe */
    record KprobeTarget(String function, long offset, boolean onReturn) implements JournalTarget {
        @Override
        public Kprobe.Options options() {
            return new Kprobe.Options(function, offset, onReturn);
        }
    }

    /** @param exit fexit rather than fentry */
    record TracingTarget(String function, boolean exit) implements JournalTarget {
        @Override
        public Tracing.Options options() {
            return new Tracing.Options(function, exit);
        }
    }
}
