package io.bpfkeeper.daemon.kernel;

/** What the kernel reports about a map (struct bpf_map_info). */
public record MapInfo(int id, MapType type, String name, int keySize, int valueSize, int maxEntries, int flags,
        int btfId) {

    /**
     * The size of the value buffer that lookups and updates exchange with the kernel: per-CPU maps
     * carry one value per possible CPU, each rounded up to 8 bytes.
     */
    public int valueBufferSize() {
        return type.isPerCpu() ? perCpuStride() * PossibleCpus.count() : valueSize;
    }

    /** The distance between two CPUs' values in a per-CPU buffer. */
    public int perCpuStride() {
        return (valueSize + 7) & ~7;
    }
}
