package io.bpfkeeper.daemon.kernel;

/**
 * What the kernel reports about a program (struct bpf_prog_info). The run statistics count only
 * while BPF stats are enabled.
 *
 * @param attachBtfObjectId for fentry, fexit and similar programs, the BTF object (vmlinux or a
 *     module) of the function the program was loaded for; 0 for other programs
 * @param attachBtfId the BTF type id of that function in that object
 */
public record ProgramInfo(int id, ProgramType type, String name, String tag, int[] mapIds, int createdByUid,
        int btfId, long runTimeNs, long runCount, long recursionMisses, int verifiedInstructions,
        int attachBtfObjectId, int attachBtfId) {
}
