package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.BpfException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Which XDP program a device runs, as netlink reports it, whether a link or a netlink attachment
 * put it there. Devices are those of the calling thread's network namespace.
 */
public final class XdpQuery {

    private XdpQuery() {
    }

    /** XDP_ATTACHED_*: how the program runs; MULTI means several modes at once. */
    public enum Mode {
        NONE, DRIVER, GENERIC, OFFLOAD, MULTI
    }

    /** The device's XDP program, or id 0 with mode NONE when it has none. */
    public record Attached(int programId, Mode mode) {
    }

    public static Attached of(int ifindex) {
        Pointer options = Memory.allocateDirect(LibBpf.RUNTIME, XdpQueryOptsLayout.SIZE, true);
        XdpQueryOptsLayout.SZ.put(options, XdpQueryOptsLayout.SIZE);
        int result = LibBpf.INSTANCE.bpf_xdp_query(ifindex, 0, options);
        if (result < 0) {
            throw new BpfException("bpf_xdp_query", -result);
        }
        int mode = XdpQueryOptsLayout.ATTACH_MODE.getInt(options);
        return new Attached(XdpQueryOptsLayout.PROG_ID.getInt(options),
                mode < Mode.values().length ? Mode.values()[mode] : Mode.MULTI);
    }
}
