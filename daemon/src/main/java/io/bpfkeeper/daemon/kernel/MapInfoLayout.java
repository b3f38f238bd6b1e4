package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.StructField.bytes;
import static io.bpfkeeper.daemon.kernel.StructField.u32;
import static io.bpfkeeper.daemon.kernel.StructField.u64;

/** {@code struct bpf_map_info}, as BPF_OBJ_GET_INFO_BY_FD fills it. */
public final class MapInfoLayout {

    public static final String C_TYPE = "struct bpf_map_info";
    public static final int SIZE = 88;

    public static final StructField TYPE = u32("type", 0);
    public static final StructField ID = u32("id", 4);
    public static final StructField KEY_SIZE = u32("key_size", 8);
    public static final StructField VALUE_SIZE = u32("value_size", 12);
    public static final StructField MAX_ENTRIES = u32("max_entries", 16);
    public static final StructField MAP_FLAGS = u32("map_flags", 20);
    public static final StructField NAME = bytes("name", 24, 16);
    public static final StructField IFINDEX = u32("ifindex", 40);
    public static final StructField BTF_ID = u32("btf_id", 64);
    public static final StructField MAP_EXTRA = u64("map_extra", 80);

    private MapInfoLayout() {
    }
}
