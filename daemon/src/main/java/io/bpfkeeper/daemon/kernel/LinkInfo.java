package io.bpfkeeper.daemon.kernel;

/**
 * What the kernel reports about a link (struct bpf_link_info): the program it holds and where it is
 * attached.
 *
 * @param targetId the cgroup id, ifindex or netns inode the link is attached to; 0 for link types
 *     whose target is not one number (tracing, perf events, ...)
 * @param attachType the hook at the target; null where the link type has only one
 */
public record LinkInfo(int id, LinkType type, int programId, long targetId, AttachType attachType) {

    /** Where the link is attached, such as "cgroup 1234 cgroup_inet_ingress" or "ifindex 3 xdp". */
    public String target() {
        if (targetId == 0) {
            return type.name();
        }
        String what = type.equals(LinkType.CGROUP) ? "cgroup" : type.equals(LinkType.NETNS) ? "netns" : "ifindex";
        return what + " " + targetId + " " + (attachType != null ? attachType.name() : type.name());
    }

    /**
     * Whether this is an XDP link of {@code programId} on the device {@code ifindex}. An XDP link
     * names its device by index alone, which is unique only within a network namespace.
     */
    public boolean isXdpLinkOf(int programId, int ifindex) {
        return type.equals(LinkType.XDP) && this.programId == programId && targetId == ifindex;
    }

    /** Whether this link is what attaches {@code programId} at {@code attachType} of {@code targetId}. */
    public boolean attaches(int programId, long targetId, AttachType attachType) {
        return this.programId == programId && this.targetId == targetId && attachType.equals(this.attachType);
    }
}
