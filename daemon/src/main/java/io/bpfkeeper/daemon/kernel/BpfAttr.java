package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.StructField.bytes;
import static io.bpfkeeper.daemon.kernel.StructField.u32;
import static io.bpfkeeper.daemon.kernel.StructField.u64;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * {@code union bpf_attr}, one nested class per command group. Only the members bpfkeeper uses are
 * listed; everything else stays zero, which the kernel reads as "not used".
 */
public final class BpfAttr {

    public static final String C_TYPE = "union bpf_attr";

    /**
     * The size we pass to bpf(). The kernel accepts any size, provided that the bytes beyond its own
     * union are zero, so one buffer larger than every member we write serves every command.
     */
    static final int SIZE = 160;

    private static final ThreadLocal<Pointer> SCRATCH =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(LibC.RUNTIME, SIZE, true));

    private BpfAttr() {
    }

    /**
     * This thread's attribute buffer, zeroed. It stays valid until the next call on this thread, so
     * fill it and make the syscall at once.
     */
    public static Pointer zeroed() {
        Pointer attr = SCRATCH.get();
        attr.setMemory(0, SIZE, (byte) 0);
        return attr;
    }

    /** BPF_MAP_CREATE. */
    public static final class MapCreate {
        public static final StructField MAP_TYPE = u32("map_type", 0);
        public static final StructField KEY_SIZE = u32("key_size", 4);
        public static final StructField VALUE_SIZE = u32("value_size", 8);
        public static final StructField MAX_ENTRIES = u32("max_entries", 12);
        public static final StructField MAP_FLAGS = u32("map_flags", 16);
        public static final StructField INNER_MAP_FD = u32("inner_map_fd", 20);
        public static final StructField MAP_NAME = bytes("map_name", 28, 16);
        public static final StructField BTF_FD = u32("btf_fd", 48);
        public static final StructField BTF_KEY_TYPE_ID = u32("btf_key_type_id", 52);
        public static final StructField BTF_VALUE_TYPE_ID = u32("btf_value_type_id", 56);
        public static final StructField MAP_EXTRA = u64("map_extra", 64);

        private MapCreate() {
        }
    }

    /** BPF_MAP_{LOOKUP,UPDATE,DELETE}_ELEM and BPF_MAP_GET_NEXT_KEY. */
    public static final class MapElem {
        public static final StructField MAP_FD = u32("map_fd", 0);
        public static final StructField KEY = u64("key", 8);
        public static final StructField VALUE = u64("value", 16);
        public static final StructField NEXT_KEY = u64("next_key", 16);
        public static final StructField FLAGS = u64("flags", 24);

        private MapElem() {
        }
    }

    /** BPF_MAP_*_BATCH. */
    public static final class Batch {
        public static final StructField IN_BATCH = u64("batch.in_batch", 0);
        public static final StructField OUT_BATCH = u64("batch.out_batch", 8);
        public static final StructField KEYS = u64("batch.keys", 16);
        public static final StructField VALUES = u64("batch.values", 24);
        public static final StructField COUNT = u32("batch.count", 32);
        public static final StructField MAP_FD = u32("batch.map_fd", 36);
        public static final StructField ELEM_FLAGS = u64("batch.elem_flags", 40);
        public static final StructField FLAGS = u64("batch.flags", 48);

        private Batch() {
        }
    }

    /** BPF_PROG_LOAD. */
    public static final class ProgLoad {
        public static final StructField PROG_TYPE = u32("prog_type", 0);
        public static final StructField INSN_CNT = u32("insn_cnt", 4);
        public static final StructField INSNS = u64("insns", 8);
        public static final StructField LICENSE = u64("license", 16);
        public static final StructField LOG_LEVEL = u32("log_level", 24);
        public static final StructField LOG_SIZE = u32("log_size", 28);
        public static final StructField LOG_BUF = u64("log_buf", 32);
        public static final StructField KERN_VERSION = u32("kern_version", 40);
        public static final StructField PROG_FLAGS = u32("prog_flags", 44);
        public static final StructField PROG_NAME = bytes("prog_name", 48, 16);
        public static final StructField PROG_IFINDEX = u32("prog_ifindex", 64);
        public static final StructField EXPECTED_ATTACH_TYPE = u32("expected_attach_type", 68);
        public static final StructField ATTACH_BTF_ID = u32("attach_btf_id", 108);
        public static final StructField ATTACH_BTF_OBJ_FD = u32("attach_btf_obj_fd", 112);
        /** Linux 5.14: the fds that BPF_PSEUDO_MAP_IDX instructions index, an array of ints. */
        public static final StructField FD_ARRAY = u64("fd_array", 120);

        private ProgLoad() {
        }
    }

    /** BPF_OBJ_PIN and BPF_OBJ_GET. */
    public static final class Obj {
        public static final StructField PATHNAME = u64("pathname", 0);
        public static final StructField BPF_FD = u32("bpf_fd", 8);
        public static final StructField FILE_FLAGS = u32("file_flags", 12);
        /**
         * Kernel 6.5 and later; newer than Debian 12's header, so not public and not in
         * StructLayoutTest: the offset is the running kernel's (its BTF), and PinDirectoryTest pins
         * through it.
         */
        static final StructField PATH_FD = u32("path_fd", 16);

        private Obj() {
        }
    }

    /** BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID. */
    public static final class ById {
        public static final StructField START_ID = u32("start_id", 0);
        public static final StructField NEXT_ID = u32("next_id", 4);
        public static final StructField OPEN_FLAGS = u32("open_flags", 8);

        private ById() {
        }
    }

    /** BPF_OBJ_GET_INFO_BY_FD. */
    public static final class Info {
        public static final StructField BPF_FD = u32("info.bpf_fd", 0);
        public static final StructField INFO_LEN = u32("info.info_len", 4);
        public static final StructField INFO = u64("info.info", 8);

        private Info() {
        }
    }

    /** BPF_PROG_TEST_RUN. */
    public static final class TestRun {
        public static final StructField PROG_FD = u32("test.prog_fd", 0);
        public static final StructField RETVAL = u32("test.retval", 4);
        public static final StructField DATA_SIZE_IN = u32("test.data_size_in", 8);
        public static final StructField DATA_SIZE_OUT = u32("test.data_size_out", 12);
        public static final StructField DATA_IN = u64("test.data_in", 16);
        public static final StructField DATA_OUT = u64("test.data_out", 24);
        public static final StructField REPEAT = u32("test.repeat", 32);
        public static final StructField DURATION = u32("test.duration", 36);
        public static final StructField CTX_SIZE_IN = u32("test.ctx_size_in", 40);
        public static final StructField CTX_SIZE_OUT = u32("test.ctx_size_out", 44);
        public static final StructField CTX_IN = u64("test.ctx_in", 48);
        public static final StructField CTX_OUT = u64("test.ctx_out", 56);
        public static final StructField FLAGS = u32("test.flags", 64);

        private TestRun() {
        }
    }

    /** BPF_PROG_QUERY. */
    public static final class Query {
        public static final StructField TARGET = u32("query.target_fd", 0);
        public static final StructField ATTACH_TYPE = u32("query.attach_type", 4);
        public static final StructField QUERY_FLAGS = u32("query.query_flags", 8);
        public static final StructField PROG_IDS = u64("query.prog_ids", 16);
        public static final StructField PROG_CNT = u32("query.prog_cnt", 24);

        private Query() {
        }
    }

    /** BPF_ENABLE_STATS. */
    public static final class EnableStats {
        public static final StructField TYPE = u32("enable_stats.type", 0);

        private EnableStats() {
        }
    }

    /**
     * BPF_LINK_CREATE, with the members every hook shares. TCX links (Linux 6.6) have members of
     * their own, {@code link_create.tcx.relative_fd} and {@code expected_revision}, which are newer
     * than the 6.1 headers the layout test compiles against and so are not listed: bpfkeeper leaves
     * them zero, which appends the program after any others, whatever the hook's revision.
     */
    public static final class LinkCreate {
        public static final StructField PROG_FD = u32("link_create.prog_fd", 0);
        public static final StructField TARGET_FD = u32("link_create.target_fd", 4);
        public static final StructField TARGET_IFINDEX = u32("link_create.target_ifindex", 4);
        public static final StructField ATTACH_TYPE = u32("link_create.attach_type", 8);
        public static final StructField FLAGS = u32("link_create.flags", 12);

        private LinkCreate() {
        }
    }

    /** BPF_ITER_CREATE. */
    public static final class IterCreate {
        public static final StructField LINK_FD = u32("iter_create.link_fd", 0);
        public static final StructField FLAGS = u32("iter_create.flags", 4);

        private IterCreate() {
        }
    }

    /** BPF_LINK_DETACH. */
    public static final class LinkDetach {
        public static final StructField LINK_FD = u32("link_detach.link_fd", 0);

        private LinkDetach() {
        }
    }
}
