package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.Bpf;
import io.bpfkeeper.daemon.kernel.BpfAttr;
import io.bpfkeeper.daemon.kernel.BpfCommand;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.LinkInfo;
import io.bpfkeeper.daemon.kernel.LinkType;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import java.util.Set;
import jnr.ffi.Pointer;

/**
 * A link the daemon holds an fd of. The link holds its program on its hook until its last fd and
 * pin are gone; then the kernel detaches it. Like a map or a program, it is just an fd, so a pin or
 * systemd's fd store can keep it across a restart of the daemon, and {@link #wrap} takes it back.
 */
public final class BpfLink implements KernelObject {

    /** Link types whose info names their target, and says 0 once the target went away. */
    private static final Set<LinkType> WITH_TARGET = Set.of(LinkType.XDP, LinkType.TCX, LinkType.CGROUP,
            LinkType.NETNS, LinkType.NETKIT);

    private final Fd fd;
    private final LinkInfo info;
    private final String name;
    private final AttachOptions options;

    private BpfLink(Fd fd, LinkInfo info, String name, AttachOptions options) {
        this.fd = fd;
        this.info = info;
        this.name = name;
        this.options = options;
    }

    /**
     * BPF_LINK_CREATE.
     *
     * @param target the fd or ifindex the hook belongs to, or 0 for hooks without one
     * @param flags hook-specific flags, such as an XDP mode
     */
    static BpfLink create(BpfProgram program, int target, AttachType type, int flags, AttachOptions options) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.LinkCreate.TARGET_FD.put(attr, target);
        BpfAttr.LinkCreate.ATTACH_TYPE.put(attr, type.value());
        BpfAttr.LinkCreate.FLAGS.put(attr, flags);
        return wrap(Bpf.callForFd(BpfCommand.LINK_CREATE, attr, BpfAttr.LinkCreate.PROG_FD, program.fd()),
                program.name(), options);
    }

    /**
     * Takes ownership of a link fd and reads what the kernel says about it.
     *
     * @param programName the name of the link's program, which names the link (links have none)
     * @param options where the link was attached, as the daemon recorded it; null when no record
     *     says, for a link that systemd's fd store handed back without one
     */
    public static BpfLink wrap(Fd fd, String programName, AttachOptions options) {
        return fd.into(owned -> new BpfLink(owned, ObjectInfo.link(owned), programName, options));
    }

    @Override
    public Fd fd() {
        return fd;
    }

    @Override
    public int id() {
        return info.id();
    }

    @Override
    public ObjectKind kind() {
        return ObjectKind.LINK;
    }

    /** The name of the link's program. */
    @Override
    public String name() {
        return name;
    }

    /** bpftool's name of the link type, such as "xdp" or "perf_event". */
    @Override
    public String typeName() {
        return info.type().name();
    }

    public int programId() {
        return info.programId();
    }

    /** Null when no record said where the link is attached. */
    public AttachOptions options() {
        return options;
    }

    /**
     * Whether the link is still on its hook. A link whose device or cgroup went away, or that was
     * forced off, stays an object that attaches nothing; its info then names no target.
     */
    public boolean isAttached() {
        LinkInfo now = ObjectInfo.link(fd);
        return !WITH_TARGET.contains(now.type()) || now.targetId() != 0;
    }

    /**
     * Forces the link off its hook (BPF_LINK_DETACH), whoever else holds it: their fds and pins keep
     * a link that attaches nothing. Only some link types can be forced off.
     */
    public void detach() {
        Pointer attr = BpfAttr.zeroed();
        try {
            Bpf.call(BpfCommand.LINK_DETACH, attr, BpfAttr.LinkDetach.LINK_FD, fd);
        } catch (BpfException e) {
            throw e.withContext("detach link " + id());
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "link " + info.id() + " (" + name + ")";
    }
}
