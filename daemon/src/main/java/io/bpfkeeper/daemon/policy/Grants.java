package io.bpfkeeper.daemon.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one caller may do: the default policy, with every rule that names the caller applied over
 * it in order. {@code sources} says, for each grant, which rule set it last ("the default policy"
 * when none did), so that a refusal can name what refused it.
 *
 * @param pinPrefix relative to the pin root, with {@code {uid}} standing for the caller's uid
 */
public record Grants(Set<String> mapTypes, Set<String> programTypes, Set<String> hooks, boolean ownedNetns,
        List<String> netnsNames, boolean delegatedCgroups, List<String> cgroupPaths, String pinPrefix,
        boolean adoptForeign, boolean inspectHost, boolean fullVerifier, Limits limits, Map<String, String> sources) {

    public static final String DEFAULT_SOURCE = "the default policy";

    /** Map types that hold data and nothing of the kernel's: no fds of sockets, no stacks, no inodes. */
    public static final Set<String> DEFAULT_MAP_TYPES = Set.of("hash", "array", "percpu_hash", "percpu_array",
            "lru_hash", "lru_percpu_hash", "lpm_trie", "queue", "stack", "ringbuf", "bloom_filter",
            "perf_event_array", "prog_array", "array_of_maps", "hash_of_maps", "devmap", "devmap_hash", "cpumap",
            "xskmap", "sk_storage", "cgroup_storage", "percpu_cgroup_storage");
    /** Program types that see packets and sockets, not the whole kernel. */
    public static final Set<String> DEFAULT_PROGRAM_TYPES = Set.of("socket_filter", "sched_cls", "sched_act", "xdp",
            "cgroup_skb", "cgroup_sock", "cgroup_sock_addr", "cgroup_sockopt", "sk_skb", "sk_msg");
    public static final Set<String> DEFAULT_HOOKS = Set.of("xdp", "tcx", "tc", "cgroup");
    /** Program types that read or change the whole kernel; the verifier lets them leak pointers. */
    public static final Set<String> TRACING_PROGRAM_TYPES = Set.of("kprobe", "tracepoint", "raw_tracepoint",
            "raw_tracepoint_writable", "perf_event", "tracing", "lsm", "struct_ops", "syscall", "ext");
    public static final String DEFAULT_PIN_PREFIX = "users/{uid}/";

    public Grants {
        mapTypes = Set.copyOf(mapTypes);
        programTypes = Set.copyOf(programTypes);
        hooks = Set.copyOf(hooks);
        netnsNames = List.copyOf(netnsNames);
        cgroupPaths = List.copyOf(cgroupPaths);
        sources = Map.copyOf(sources);
    }

    static Grants defaults() {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String grant : List.of("mapTypes", "programTypes", "hooks", "netns", "cgroups", "pinPrefix",
                "adoptForeign", "inspectHost", "fullVerifier", "limits")) {
            sources.put(grant, DEFAULT_SOURCE);
        }
        return new Grants(DEFAULT_MAP_TYPES, DEFAULT_PROGRAM_TYPES, DEFAULT_HOOKS, true, List.of(), true, List.of(),
                DEFAULT_PIN_PREFIX, false, false, false, Limits.DEFAULT, sources);
    }

    /** Everything: what root gets. */
    static Grants everything() {
        Map<String, String> sources = new LinkedHashMap<>();
        defaults().sources().keySet().forEach(grant -> sources.put(grant, "root"));
        return new Grants(Set.of("*"), Set.of("*"), Set.of("*"), true, List.of("*"), true, List.of("/**"), "",
                true, true, true, new Limits(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
                        Integer.MAX_VALUE, Integer.MAX_VALUE), sources);
    }

    /** The pin prefix for {@code uid}, relative to the pin root; empty for anywhere. */
    public String pinPrefixFor(int uid) {
        return pinPrefix.replace("{uid}", Integer.toString(uid));
    }

    String source(String grant) {
        return sources.getOrDefault(grant, DEFAULT_SOURCE);
    }

    boolean allowsMapType(String type) {
        return mapTypes.contains("*") || mapTypes.contains(type);
    }

    boolean allowsProgramType(String type) {
        return programTypes.contains("*") || programTypes.contains(type);
    }

    boolean allowsHook(String hook) {
        return hooks.contains("*") || hooks.contains(hook);
    }

    boolean allowsNetnsName(String name) {
        return name != null && matchesAny(netnsNames, name);
    }

    boolean allowsCgroupPath(String path) {
        return matchesAny(cgroupPaths, path);
    }

    private static boolean matchesAny(List<String> globs, String value) {
        for (String glob : globs) {
            if (glob.equals("*") || FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(value))) {
                return true;
            }
        }
        return false;
    }

    /** Copies of the sets, for a builder that applies a rule. */
    static Set<String> mutable(Set<String> set) {
        return new LinkedHashSet<>(set);
    }
}
