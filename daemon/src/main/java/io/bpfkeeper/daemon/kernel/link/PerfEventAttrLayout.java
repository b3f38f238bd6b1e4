package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.StructField;

/**
 * {@code struct perf_event_attr} from {@code <linux/perf_event.h>}, as far as a tracepoint or a
 * kprobe event needs it. SIZE is PERF_ATTR_SIZE_VER7; the kernel reads any size it knows, and wants
 * zeros beyond its own.
 */
final class PerfEventAttrLayout {

    static final String C_TYPE = "struct perf_event_attr";
    static final int SIZE = 128;

    static final StructField TYPE = new StructField("type", 0, 4);
    static final StructField SIZE_FIELD = new StructField("size", 4, 4);
    static final StructField CONFIG = new StructField("config", 8, 8);
    /** kprobe_func: a pointer to the function's name. */
    static final StructField CONFIG1 = new StructField("config1", 56, 8);
    /** probe_offset: bytes into the function. */
    static final StructField CONFIG2 = new StructField("config2", 64, 8);

    private PerfEventAttrLayout() {
    }
}
