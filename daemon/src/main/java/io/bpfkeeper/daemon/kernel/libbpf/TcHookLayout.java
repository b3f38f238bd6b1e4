package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.StructField;

/** {@code struct bpf_tc_hook} of libbpf 1.1: a device's clsact hook. libbpf checks {@code sz}. */
final class TcHookLayout {

    static final String C_TYPE = "struct bpf_tc_hook";
    static final int SIZE = 24;

    static final StructField SZ = new StructField("sz", 0, 8);
    static final StructField IFINDEX = new StructField("ifindex", 8, 4);
    static final StructField ATTACH_POINT = new StructField("attach_point", 12, 4);

    private TcHookLayout() {
    }
}
