package io.bpfkeeper.daemon.kernel;

/**
 * What to create with BPF_MAP_CREATE.
 *
 * @param name at most 15 bytes; the kernel accepts letters, digits, '_' and '.'
 * @param flags BPF_F_* map flags
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {

    /**
     * Map flags that make BPF_MAP_CREATE take an fd from the attr (value_type_btf_obj_fd,
     * map_token_fd): BPF_F_VTYPE_BTF_OBJ_FD (Linux 6.9) and BPF_F_TOKEN_FD (6.9).
     */
    public static final int FLAGS_NAMING_FDS = 1 << 15 | 1 << 16;
}
