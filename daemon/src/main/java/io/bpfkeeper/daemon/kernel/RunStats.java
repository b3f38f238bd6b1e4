package io.bpfkeeper.daemon.kernel;

import jnr.ffi.Pointer;

/**
 * BPF_ENABLE_STATS: while the returned fd is open, the kernel counts every program run and its
 * time (run_cnt, run_time_ns). That costs two clock reads on every run of every program on the
 * host, so hold the fd only while someone asked for the statistics. The kernel keeps one
 * refcounted switch, shared with the sysctl kernel.bpf_stats_enabled.
 */
public final class RunStats {

    /** BPF_STATS_RUN_TIME, the only type of statistics there is. */
    private static final int BPF_STATS_RUN_TIME = 0;

    private RunStats() {
    }

    /** Turns run statistics on until the returned fd is closed. Needs CAP_SYS_ADMIN. */
    public static Fd enable() {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.EnableStats.TYPE.put(attr, BPF_STATS_RUN_TIME);
        try {
            return Bpf.callForFd(BpfCommand.ENABLE_STATS, attr);
        } catch (BpfException e) {
            throw e.withContext("enable program run statistics");
        }
    }
}
