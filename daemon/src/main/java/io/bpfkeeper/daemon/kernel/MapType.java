package io.bpfkeeper.daemon.kernel;

import java.util.List;
import java.util.Optional;

/** A value of {@code enum bpf_map_type}. */
public record MapType(int value) {

    public static final KernelEnum NAMES = new KernelEnum("enum bpf_map_type", "BPF_MAP_TYPE_", List.of(
            "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
            "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
            "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
            "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
            "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
            "cgrp_storage", "arena"));

    public static final MapType HASH = new MapType(1);
    public static final MapType ARRAY = new MapType(2);
    public static final MapType PROG_ARRAY = new MapType(3);
    public static final MapType PERF_EVENT_ARRAY = new MapType(4);
    public static final MapType PERCPU_HASH = new MapType(5);
    public static final MapType PERCPU_ARRAY = new MapType(6);
    public static final MapType LRU_HASH = new MapType(9);
    public static final MapType LRU_PERCPU_HASH = new MapType(10);
    public static final MapType PERCPU_CGROUP_STORAGE = new MapType(21);
    public static final MapType QUEUE = new MapType(22);
    public static final MapType STACK = new MapType(23);
    public static final MapType RINGBUF = new MapType(27);
    public static final MapType USER_RINGBUF = new MapType(31);
    public static final MapType BLOOM_FILTER = new MapType(30);

    public static Optional<MapType> byName(String name) {
        return NAMES.value(name).filter(v -> v != 0).map(MapType::new);
    }

    public String name() {
        return NAMES.name(value);
    }

    /** Whether each CPU has its own copy of every value, so that values travel per CPU. */
    public boolean isPerCpu() {
        return equals(PERCPU_HASH) || equals(PERCPU_ARRAY) || equals(LRU_PERCPU_HASH)
                || equals(PERCPU_CGROUP_STORAGE);
    }

    /** Queues, stacks and bloom filters have no keys: their elements are pushed and popped. */
    public boolean isKeyless() {
        return equals(QUEUE) || equals(STACK) || equals(BLOOM_FILTER);
    }

    @Override
    public String toString() {
        return name();
    }
}
