package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.StructField.bytes;
import static io.bpfkeeper.daemon.kernel.StructField.u32;
import static io.bpfkeeper.daemon.kernel.StructField.u64;

/** {@code struct bpf_prog_info}, as BPF_OBJ_GET_INFO_BY_FD fills it. */
public final class ProgInfoLayout {

    public static final String C_TYPE = "struct bpf_prog_info";
    public static final int SIZE = 232;

    public static final StructField TYPE = u32("type", 0);
    public static final StructField ID = u32("id", 4);
    public static final StructField TAG = bytes("tag", 8, 8);
    public static final StructField LOAD_TIME = u64("load_time", 40);
    public static final StructField CREATED_BY_UID = u32("created_by_uid", 48);
    public static final StructField NR_MAP_IDS = u32("nr_map_ids", 52);
    public static final StructField MAP_IDS = u64("map_ids", 56);
    public static final StructField NAME = bytes("name", 64, 16);
    public static final StructField BTF_ID = u32("btf_id", 128);
    public static final StructField RUN_TIME_NS = u64("run_time_ns", 192);
    public static final StructField RUN_CNT = u64("run_cnt", 200);
    public static final StructField RECURSION_MISSES = u64("recursion_misses", 208);
    public static final StructField VERIFIED_INSNS = u32("verified_insns", 216);
    public static final StructField ATTACH_BTF_OBJ_ID = u32("attach_btf_obj_id", 220);
    public static final StructField ATTACH_BTF_ID = u32("attach_btf_id", 224);

    private ProgInfoLayout() {
    }
}
