package io.bpfkeeper.daemon.kernel;

/**
 * What the kernel reports about a link (struct bpf_link_info): the program it holds, and in
 * {@code target} where it is attached, such as "cgroup 1234 cgroup_inet_ingress" or "ifindex 3".
 */
public record LinkInfo(int id, LinkType type, int programId, String target) {
}
