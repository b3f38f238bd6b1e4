package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.libbpf.TcHooks;
import java.util.Optional;

/**
 * A tc filter that {@link Tc} added, or that the daemon recorded before a restart. The kernel holds
 * it; this only knows where it is.
 */
public final class TcFilter implements Attachment {

    private final Tc.Options options;
    private final int programId;
    private final int ifindex;
    private final long netnsInode;

    /**
     * @param options where the filter is, with the priority and handle the kernel gave it
     * @param ifindex the device's index in its namespace, which stays while the device does
     * @param netnsInode the namespace the filter was added in, which its name may stop meaning
     */
    public TcFilter(Tc.Options options, int programId, int ifindex, long netnsInode) {
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

    public int ifindex() {
        return ifindex;
    }

    public long netnsInode() {
        return netnsInode;
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
        return options.device().netns().run(this::detachHere);
    }

    /** {@link #detach}, on a thread that is in the filter's namespace already. */
    boolean detachHere() {
        if (NetworkNamespace.currentInode() != netnsInode) {
            throw new InvalidTargetException(Part.NETNS, notItsNamespace() + ", so the daemon cannot reach the"
                    + " filter; if that namespace is gone, the filter went with it, and Release forgets it");
        }
        if (programAtItsPlace() != programId) {
            return false;
        }
        try {
            TcHooks.detach(ifindex, Tc.hook(options.direction()), options.priority(), options.handle());
            return true;
        } catch (BpfException e) {
            throw e.withContext("detach tc filter from " + options.device() + " " + options.direction().label());
        }
    }

    /**
     * Whether the kernel still holds this filter as recorded, for a record that outlived a restart of
     * the daemon: a filter at its place, in the namespace it was added in, that runs its program.
     *
     * @return why it does not, such as "the tc cls_bpf filter … is gone"; empty when it does
     */
    public Optional<String> whyNotHeld() {
        try {
            return options.device().netns().run(() -> {
                if (NetworkNamespace.currentInode() != netnsInode) {
                    return Optional.of("the " + place() + " cannot be reached: " + notItsNamespace());
                }
                int present = programAtItsPlace();
                if (present == programId) {
                    return Optional.empty();
                }
                return Optional.of("the " + place() + (present == 0 ? " is gone" : " now holds program " + present
                        + ", not the recorded program " + programId));
            });
        } catch (InvalidTargetException e) {
            return Optional.of("the " + place() + " cannot be reached: " + e.getMessage());
        }
    }

    /**
     * The id of the program that the filter at this filter's place runs, or 0 when there is none.
     * Call it in the filter's namespace.
     */
    private int programAtItsPlace() {
        try {
            TcHooks.Filter present = TcHooks.query(ifindex, Tc.hook(options.direction()), options.priority(),
                    options.handle());
            return present == null ? 0 : present.programId();
        } catch (BpfException e) {
            // ENODEV: the device is gone; EINVAL: its clsact qdisc is, and every filter with it.
            if (e.errno() == Errno.ENODEV || e.errno() == Errno.EINVAL) {
                return 0;
            }
            throw e.withContext("query tc filter on " + options.device() + " " + options.direction().label());
        }
    }

    private String notItsNamespace() {
        return options.device().netns() + " is no longer the namespace the filter was added in";
    }

    /** Such as "tc cls_bpf filter with priority 1 and handle 0x1 on the ingress hook of eth0". */
    private String place() {
        return "tc cls_bpf filter with priority " + options.priority() + " and handle 0x"
                + Integer.toHexString(options.handle()) + " on the " + options.direction().label() + " hook of "
                + options.device();
    }

    @Override
    public String heldBy() {
        NetDevice device = options.device();
        return "the kernel: a " + place() + ". It outlives Release and the daemon; Detach removes it, and so does `"
                + device.command("tc", "filter del dev " + device.name() + " " + options.direction().label()
                        + " pref " + options.priority()) + "`";
    }

    @Override
    public String toString() {
        return "filter on " + options;
    }
}
