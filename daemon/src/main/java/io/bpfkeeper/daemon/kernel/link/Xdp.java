package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectInfo;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.libbpf.XdpQuery;
import java.util.OptionalInt;

/** XDP links (Linux 5.9): a program on a network device's receive path, for as long as the link lives. */
public final class Xdp {

    private static final AttachType XDP = AttachType.byName("xdp").orElseThrow();

    private Xdp() {
    }

    /** Where the program runs, as the XDP_FLAGS_*_MODE flags of the link say. */
    public enum Mode {
        NATIVE(1 << 2), GENERIC(1 << 1), OFFLOAD(1 << 3);

        private final int flag;

        Mode(int flag) {
            this.flag = flag;
        }
    }

    /** @param mode null to let the kernel run the program in the driver where it can, else generically */
    public record Options(NetDevice device, Mode mode) implements AttachOptions {
        @Override
        public String toString() {
            return "xdp of " + device + (mode == null ? "" : ", " + mode.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    public static BpfLink attach(BpfProgram program, Options options) {
        Hooks.requireType(program, "xdp", ProgramType.XDP);
        NetDevice device = options.device();
        return device.netns().run(() -> {
            int ifindex = device.index();
            try {
                return BpfLink.create(program, ifindex, XDP, options.mode() == null ? 0 : options.mode().flag,
                        options);
            } catch (BpfException e) {
                throw explain(e, device, ifindex).withContext("attach xdp link to " + device);
            }
        });
    }

    /**
     * A device runs one XDP program per mode, and native and generic ones exclude each other. When
     * the kernel says EBUSY or EEXIST, find out what holds the device, and say how to see and remove
     * it: the common case is a program attached through netlink, by ip or an older loader.
     */
    private static BpfException explain(BpfException failure, NetDevice device, int ifindex) {
        if (failure.errno() != Errno.EBUSY && failure.errno() != Errno.EEXIST) {
            return failure;
        }
        XdpQuery.Attached attached = XdpQuery.of(ifindex);
        if (attached.programId() == 0) {
            return failure;
        }
        String program = describeProgram(attached.programId());
        String conflict = failure.errno() == Errno.EEXIST
                ? "native and generic XDP cannot run on one device at once, and " + device + " runs " + program
                        + " in " + attached.mode().name().toLowerCase(java.util.Locale.ROOT) + " mode"
                : device + " runs " + program + " already, and a device runs one XDP program per mode";
        OptionalInt link = linkHolding(attached.programId(), ifindex);
        if (link.isPresent()) {
            return failure.withHint(conflict + "; link " + link.getAsInt() + " holds it: Detach that link if"
                    + " bpfkeeper owns it (bpftool link show id " + link.getAsInt() + " shows it)");
        }
        return failure.withHint(conflict + ", attached through netlink rather than by a link, and a link cannot"
                + " replace that; see it with `" + device.command("ip", "link show dev " + device.name())
                + "`, and remove it with `" + device.command("ip", "link set dev " + device.name() + " "
                + netlinkKeyword(attached.mode()) + " off") + "` once nothing needs it");
    }

    private static String describeProgram(int id) {
        try (Fd fd = KernelIds.open(ObjectKind.PROGRAM, id)) {
            return "XDP program " + id + " (" + ObjectInfo.program(fd).name() + ")";
        } catch (BpfException gone) {
            return "XDP program " + id;
        }
    }

    /** The XDP link that attaches the program to the device, if a link does. */
    private static OptionalInt linkHolding(int programId, int ifindex) {
        for (OptionalInt id = KernelIds.next(ObjectKind.LINK, 0); id.isPresent();
                id = KernelIds.next(ObjectKind.LINK, id.getAsInt())) {
            try (Fd fd = KernelIds.open(ObjectKind.LINK, id.getAsInt())) {
                if (ObjectInfo.link(fd).isXdpLinkOf(programId, ifindex)) {
                    return id;
                }
            } catch (BpfException gone) {
                // Freed while we walked: it holds nothing.
            }
        }
        return OptionalInt.empty();
    }

    /** The word of ip-link(8) for the XDP mode. */
    public static String netlinkKeyword(XdpQuery.Mode mode) {
        switch (mode) {
            case DRIVER:
                return "xdpdrv";
            case GENERIC:
                return "xdpgeneric";
            case OFFLOAD:
                return "xdpoffload";
            default:
                return "xdp";
        }
    }
}
