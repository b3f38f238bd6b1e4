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
    public static final MapType CGROUP_ARRAY = new MapType(8);
    public static final MapType LRU_HASH = new MapType(9);
    public static final MapType LRU_PERCPU_HASH = new MapType(10);
    public static final MapType ARRAY_OF_MAPS = new MapType(12);
    public static final MapType HASH_OF_MAPS = new MapType(13);
    public static final MapType DEVMAP = new MapType(14);
    public static final MapType SOCKMAP = new MapType(15);
    public static final MapType CPUMAP = new MapType(16);
    public static final MapType XSKMAP = new MapType(17);
    public static final MapType SOCKHASH = new MapType(18);
    public static final MapType REUSEPORT_SOCKARRAY = new MapType(20);
    public static final MapType DEVMAP_HASH = new MapType(25);
    public static final MapType PERCPU_CGROUP_STORAGE = new MapType(21);
    public static final MapType QUEUE = new MapType(22);
    public static final MapType STACK = new MapType(23);
    public static final MapType RINGBUF = new MapType(27);
    public static final MapType USER_RINGBUF = new MapType(31);
    public static final MapType BLOOM_FILTER = new MapType(30);

    /**
     * A field of a map's value that user space fills with a file descriptor of another object,
     * which the kernel takes a reference to; lookups return that object's id in its place.
     *
     * @param offset where the 4-byte fd lies in the value
     * @param optional whether 0 (or less) means "none" rather than an fd
     */
    public record FdField(int offset, ObjectKind kind, boolean optional) {
    }

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

    /** Whether each value holds the fd of a map (true for map-in-map types) that new maps must match. */
    public boolean isMapOfMaps() {
        return equals(ARRAY_OF_MAPS) || equals(HASH_OF_MAPS);
    }

    /**
     * The field of a value of {@code valueSize} bytes that holds a program or map fd, if any: the
     * program of a prog_array, the inner map of a map of maps, and the optional program that a devmap,
     * devmap_hash or cpumap runs, which their 8-byte values carry after the device or queue size.
     */
    public Optional<FdField> fdField(int valueSize) {
        if (equals(PROG_ARRAY)) {
            return Optional.of(new FdField(0, ObjectKind.PROGRAM, false));
        }
        if (isMapOfMaps()) {
            return Optional.of(new FdField(0, ObjectKind.MAP, false));
        }
        if ((equals(DEVMAP) || equals(DEVMAP_HASH) || equals(CPUMAP)) && valueSize >= 8) {
            return Optional.of(new FdField(4, ObjectKind.PROGRAM, true));
        }
        return Optional.empty();
    }

    /**
     * What the values of this type are fds of, when those things have no id to name them by: perf
     * events, cgroups, sockets. Writing such values for a client would use the daemon's fd table.
     */
    public Optional<String> fdValuesWithoutIds() {
        if (equals(PERF_EVENT_ARRAY)) {
            return Optional.of("perf events");
        }
        if (equals(CGROUP_ARRAY)) {
            return Optional.of("cgroups");
        }
        return holdsSockets() ? Optional.of("sockets") : Optional.empty();
    }

    /** Whether values are socket fds: sockmap, sockhash, xskmap, reuseport_sockarray. */
    public boolean holdsSockets() {
        return equals(SOCKMAP) || equals(SOCKHASH) || equals(XSKMAP) || equals(REUSEPORT_SOCKARRAY);
    }

    @Override
    public String toString() {
        return name();
    }
}
