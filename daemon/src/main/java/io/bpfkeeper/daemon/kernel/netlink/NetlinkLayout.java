package io.bpfkeeper.daemon.kernel.netlink;

/**
 * Every number of rtnetlink that bpfkeeper speaks, in one place: the socket, the message and
 * attribute headers, the request structs, and the attributes it reads, each under the header that
 * defines it. All structs are little-endian x86-64, as the kernel writes them; only what the
 * dumps need is here. {@code NetlinkLayoutTest} compiles every one against the installed headers.
 */
final class NetlinkLayout {

    // <sys/socket.h> and <linux/netlink.h>: the socket.
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    /** recv(2) flags: look at the next datagram without taking it, and say its full length. */
    static final int MSG_PEEK = 0x2;
    static final int MSG_TRUNC = 0x20;

    // <linux/netlink.h>: struct nlmsghdr, which starts every message; messages are 4-byte aligned.
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_LEN = 0;
    static final int NLMSG_TYPE = 4;
    static final int NLMSG_FLAGS = 6;
    static final int NLMSG_SEQ = 8;
    static final int NLMSG_ALIGNTO = 4;
    /** Message types of netlink itself: an error (or ack), and the end of a dump. */
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    /** A request, and one for every object rather than one (NLM_F_ROOT | NLM_F_MATCH). */
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_DUMP = 0x300;
    /** struct nlmsgerr, the payload of NLMSG_ERROR, starts with a negative errno (0 for an ack). */
    static final int NLMSGERR_ERROR = 0;

    // <linux/netlink.h>: struct nlattr, the same as <linux/rtnetlink.h>'s struct rtattr; attributes
    // are aligned like messages (NLA_ALIGNTO is NLMSG_ALIGNTO).
    static final int NLA_HDRLEN = 4;
    static final int NLA_LEN = 0;
    static final int NLA_TYPE = 2;
    /** The type without NLA_F_NESTED and NLA_F_NET_BYTEORDER, which some kernels set on nested attributes. */
    static final int NLA_TYPE_MASK = 0x3fff;

    // <linux/rtnetlink.h>: message types, and the structs that follow nlmsghdr.
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWTFILTER = 44;
    static final int RTM_GETTFILTER = 46;
    /** struct ifinfomsg: a device. */
    static final int IFINFOMSG_SIZE = 16;
    static final int IFINFOMSG_INDEX = 4;
    /** struct tcmsg: a tc object of a device; for a filter, tcm_info holds its priority and protocol. */
    static final int TCMSG_SIZE = 20;
    static final int TCMSG_IFINDEX = 4;
    static final int TCMSG_HANDLE = 8;
    static final int TCMSG_PARENT = 12;
    static final int TCMSG_INFO = 16;
    /** Attributes of a tc object: its kind ("bpf" for cls_bpf), the kind's own options, its chain. */
    static final int TCA_KIND = 1;
    static final int TCA_OPTIONS = 2;
    static final int TCA_CHAIN = 11;

    // <linux/if_link.h>: attributes of a device, and inside IFLA_XDP the program of each XDP mode.
    static final int IFLA_IFNAME = 3;
    static final int IFLA_XDP = 43;
    static final int IFLA_XDP_DRV_PROG_ID = 5;
    static final int IFLA_XDP_SKB_PROG_ID = 6;
    static final int IFLA_XDP_HW_PROG_ID = 7;

    // <linux/pkt_sched.h>: tc handles, major:minor in 16 bits each. The clsact qdisc (and the older
    // ingress qdisc, which has the same major) takes filters at these two parents.
    static final int TC_H_CLSACT = 0xfffffff1;
    static final int TC_H_MIN_INGRESS = 0xfff2;
    static final int TC_H_MIN_EGRESS = 0xfff3;
    static final int TC_H_MAJ_MASK = 0xffff0000;

    // <linux/pkt_cls.h>: the options of a cls_bpf filter.
    static final int TCA_BPF_NAME = 7;
    static final int TCA_BPF_FLAGS = 8;
    static final int TCA_BPF_ID = 11;
    static final int TCA_BPF_FLAG_ACT_DIRECT = 0x1;

    private NetlinkLayout() {
    }

    /** TC_H_MAKE of <linux/pkt_sched.h>: a handle of a major and a minor number. */
    static int tcHandle(int major, int minor) {
        return (major & TC_H_MAJ_MASK) | (minor & ~TC_H_MAJ_MASK);
    }

    /** NLMSG_ALIGN and NLA_ALIGN: both round up to 4 bytes. */
    static int align(int length) {
        return (length + NLMSG_ALIGNTO - 1) & -NLMSG_ALIGNTO;
    }
}
