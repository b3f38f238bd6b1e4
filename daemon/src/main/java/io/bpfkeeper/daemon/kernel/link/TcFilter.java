package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.libbpf.TcHooks;

/** A tc filter that {@link Tc} added. The kernel holds it; this only knows where it is. */
public final class TcFilter implements Attachment {

    private final Tc.Options options;
    private final int programId;
    private final int ifindex;
    private final long netnsInode;

    /**
     * @param options where the filter is, with the priority and handle the kernel gave it
     * @param netnsInode the namespace the filter was added in, which its name may stop meaning
     */
    TcFilter(Tc.Options options, int programId, int ifindex, long netnsInode) {
        this.options = options;
        this.programId = programId;
        this.ifindex = ifindex;
        this.netnsInode = netnsInode;
    }

    @Override
    public int programId() {
        return programId;
    }

    @Override
    public Tc.Options options() {
        return options;
    }

    @Override
    public String typeName() {
        return "tc";
    }

    /**
     * Deletes the filter, if it is still there and still runs this program; a filter that someone
     * replaced belongs to them now.
     */
    @Override
    public boolean detach() {
        NetDevice device = options.device();
        return device.netns().run(() -> {
            if (NetworkNamespace.currentInode() != netnsInode) {
                throw new InvalidTargetException("netns", device.netns() + " is no longer the namespace the filter was"
                        + " added in, so the daemon cannot reach the filter; if that namespace is gone, the filter"
                        + " went with it, and Release forgets it");
            }
            int hook = Tc.hook(options.direction());
            try {
                TcHooks.Filter present = TcHooks.query(ifindex, hook, options.priority(), options.handle());
                if (present == null || present.programId() != programId) {
                    return false;
                }
                TcHooks.detach(ifindex, hook, options.priority(), options.handle());
                return true;
            } catch (BpfException e) {
                if (e.errno() == Errno.ENODEV) {
                    return false;
                }
                throw e.withContext("detach tc filter from " + device + " " + options.direction().label());
            }
        });
    }

    @Override
    public String heldBy() {
        NetDevice device = options.device();
        return "the kernel: a tc cls_bpf filter with priority " + options.priority() + " and handle 0x"
                + Integer.toHexString(options.handle()) + " on the " + options.direction().label() + " hook of "
                + device + ". It outlives Release and the daemon; Detach removes it, and so does `"
                + device.command("tc", "filter del dev " + device.name() + " " + options.direction().label()
                        + " pref " + options.priority()) + "`";
    }

    @Override
    public String toString() {
        return "filter on " + options;
    }
}
