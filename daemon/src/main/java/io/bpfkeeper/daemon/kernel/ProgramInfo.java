package io.bpfkeeper.daemon.kernel;

/**
 * What the kernel reports about a program (struct bpf_prog_info). The run statistics count only
 * while BPF stats are enabled.
 */
public record ProgramInfo(int id, ProgramType type, String name, String tag, int[] mapIds, int createdByUid,
        int btfId, long runTimeNs, long runCount, long recursionMisses, int verifiedInstructions) {
}
