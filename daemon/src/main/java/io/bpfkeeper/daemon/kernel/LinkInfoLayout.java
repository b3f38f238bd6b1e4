package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.StructField.u32;
import static io.bpfkeeper.daemon.kernel.StructField.u64;

/**
 * {@code struct bpf_link_info}, as BPF_OBJ_GET_INFO_BY_FD fills it. After the common head comes a
 * union by link type; only the members that say what a link is attached to are listed. The tcx
 * and netkit members (6.6, 6.7) have the layout of the xdp one plus an attach type.
 */
public final class LinkInfoLayout {

    public static final String C_TYPE = "struct bpf_link_info";
    /** Large enough for every union member bpfkeeper reads; the kernel fills what it has. */
    public static final int SIZE = 48;

    public static final StructField TYPE = u32("type", 0);
    public static final StructField ID = u32("id", 4);
    public static final StructField PROG_ID = u32("prog_id", 8);
    public static final StructField CGROUP_ID = u64("cgroup.cgroup_id", 16);
    public static final StructField CGROUP_ATTACH_TYPE = u32("cgroup.attach_type", 24);
    public static final StructField NETNS_INO = u32("netns.netns_ino", 16);
    public static final StructField NETNS_ATTACH_TYPE = u32("netns.attach_type", 20);
    public static final StructField XDP_IFINDEX = u32("xdp.ifindex", 16);
    public static final StructField TCX_IFINDEX = u32("tcx.ifindex", 16);
    public static final StructField TCX_ATTACH_TYPE = u32("tcx.attach_type", 20);

    private LinkInfoLayout() {
    }
}
