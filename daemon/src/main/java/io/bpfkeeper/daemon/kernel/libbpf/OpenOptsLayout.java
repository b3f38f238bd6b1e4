package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.StructField;

/**
 * {@code struct bpf_object_open_opts} of libbpf 1.1. libbpf rejects a struct whose {@code sz} it
 * does not know or that has non-zero bytes past the fields it knows, so {@code sz} is set to this
 * size and everything else stays zero.
 */
final class OpenOptsLayout {

    static final String C_TYPE = "struct bpf_object_open_opts";
    static final int SIZE = 80;

    static final StructField SZ = new StructField("sz", 0, 8);
    static final StructField OBJECT_NAME = new StructField("object_name", 8, 8);
    static final StructField KERNEL_LOG_BUF = new StructField("kernel_log_buf", 56, 8);
    static final StructField KERNEL_LOG_SIZE = new StructField("kernel_log_size", 64, 8);
    static final StructField KERNEL_LOG_LEVEL = new StructField("kernel_log_level", 72, 4);

    private OpenOptsLayout() {
    }
}
