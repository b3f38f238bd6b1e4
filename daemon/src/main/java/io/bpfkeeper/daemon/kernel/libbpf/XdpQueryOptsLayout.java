package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.StructField;

/** {@code struct bpf_xdp_query_opts} of libbpf 1.1: the XDP program of a device, as netlink reports it. */
final class XdpQueryOptsLayout {

    static final String C_TYPE = "struct bpf_xdp_query_opts";
    static final int SIZE = 32;

    static final StructField SZ = new StructField("sz", 0, 8);
    static final StructField PROG_ID = new StructField("prog_id", 8, 4);
    static final StructField ATTACH_MODE = new StructField("attach_mode", 24, 1);

    private XdpQueryOptsLayout() {
    }
}
