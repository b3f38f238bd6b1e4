package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.StructField;

/**
 * {@code struct bpf_tc_opts} of libbpf 1.1: one cls_bpf filter. bpf_tc_attach fills in the
 * priority, handle and program id it used; bpf_tc_query and bpf_tc_detach want only priority and
 * handle set.
 */
final class TcOptsLayout {

    static final String C_TYPE = "struct bpf_tc_opts";
    static final int SIZE = 32;

    static final StructField SZ = new StructField("sz", 0, 8);
    static final StructField PROG_FD = new StructField("prog_fd", 8, 4);
    static final StructField PROG_ID = new StructField("prog_id", 16, 4);
    static final StructField HANDLE = new StructField("handle", 20, 4);
    static final StructField PRIORITY = new StructField("priority", 24, 4);

    private TcOptsLayout() {
    }
}
