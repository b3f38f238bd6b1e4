package io.bpfkeeper.daemon.kernel;

/**
 * What to create with BPF_MAP_CREATE.
 *
 * @param name at most 15 bytes; the kernel accepts letters, digits, '_' and '.'
 * @param flags BPF_F_* map flags
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
}
