package io.bpfkeeper.daemon.kernel;

import java.util.List;

/** A value of {@code enum bpf_link_type}. */
public record LinkType(int value) {

    public static final KernelEnum NAMES = new KernelEnum("enum bpf_link_type", "BPF_LINK_TYPE_", List.of(
            "unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event", "kprobe_multi",
            "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap"));

    public static final LinkType CGROUP = new LinkType(3);
    public static final LinkType NETNS = new LinkType(5);
    public static final LinkType XDP = new LinkType(6);
    public static final LinkType TCX = new LinkType(11);
    public static final LinkType NETKIT = new LinkType(13);

    public String name() {
        return NAMES.name(value);
    }

    @Override
    public String toString() {
        return name();
    }
}
