package io.bpfkeeper.daemon.kernel;

import java.util.List;
import java.util.Optional;

/** A value of {@code enum bpf_prog_type}. */
public record ProgramType(int value) {

    public static final KernelEnum NAMES = new KernelEnum("enum bpf_prog_type", "BPF_PROG_TYPE_", List.of(
            "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event",
            "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device",
            "sk_msg", "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
            "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing",
            "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter"));

    public static final ProgramType SOCKET_FILTER = new ProgramType(1);
    public static final ProgramType KPROBE = new ProgramType(2);
    public static final ProgramType SCHED_CLS = new ProgramType(3);
    public static final ProgramType TRACEPOINT = new ProgramType(5);
    public static final ProgramType XDP = new ProgramType(6);
    public static final ProgramType CGROUP_SKB = new ProgramType(8);
    public static final ProgramType TRACING = new ProgramType(26);

    public static Optional<ProgramType> byName(String name) {
        return NAMES.value(name).filter(v -> v != 0).map(ProgramType::new);
    }

    public String name() {
        return NAMES.name(value);
    }

    @Override
    public String toString() {
        return name();
    }
}
