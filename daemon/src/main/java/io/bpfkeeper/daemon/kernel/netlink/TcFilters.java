package io.bpfkeeper.daemon.kernel.netlink;

import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.RTM_GETTFILTER;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.RTM_NEWTFILTER;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_BPF_FLAGS;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_BPF_FLAG_ACT_DIRECT;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_BPF_ID;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_BPF_NAME;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_CHAIN;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_KIND;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCA_OPTIONS;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCMSG_HANDLE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCMSG_IFINDEX;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCMSG_INFO;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCMSG_PARENT;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TCMSG_SIZE;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TC_H_CLSACT;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TC_H_MIN_EGRESS;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.TC_H_MIN_INGRESS;
import static io.bpfkeeper.daemon.kernel.netlink.NetlinkLayout.tcHandle;

import io.bpfkeeper.daemon.kernel.link.Direction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cls_bpf filters of a device's clsact qdisc (or ingress qdisc, which takes ingress filters at
 * the same parent), as {@code tc filter show dev DEV ingress|egress} lists them: an RTM_GETTFILTER
 * dump of each of the two parents, which covers every chain. libbpf 1.1 can only ask for a filter
 * whose priority and handle it knows. Filters of other qdiscs, such as a classful root qdisc, are
 * not read.
 */
public final class TcFilters {

    private static final String CLS_BPF = "bpf";

    private TcFilters() {
    }

    /**
     * A cls_bpf filter, by what names it on its hook (chain, priority, handle), and its program.
     *
     * @param name what the loader called it, such as "tc_count.bpf.o:[tc]"; may be empty
     * @param directAction whether the program's return value is the verdict (tc's "da"), not a classid
     */
    public record BpfFilter(Direction direction, int chain, int priority, int handle, int programId, String name,
            boolean directAction) {
    }

    /** The filters on both hooks of the device {@code ifindex} of the socket's namespace; none without clsact. */
    public static List<BpfFilter> of(RouteNetlink netlink, int ifindex) {
        List<BpfFilter> filters = new ArrayList<>();
        for (Direction direction : Direction.values()) {
            ByteBuffer parent = ByteBuffer.allocate(TCMSG_SIZE).order(ByteOrder.nativeOrder());
            parent.putInt(TCMSG_IFINDEX, ifindex);
            parent.putInt(TCMSG_PARENT, tcHandle(TC_H_CLSACT,
                    direction == Direction.INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS));
            netlink.dump("RTM_GETTFILTER dump", RTM_GETTFILTER, parent, message -> {
                if (message.type() == RTM_NEWTFILTER) {
                    read(message, direction).ifPresent(filters::add);
                }
            });
        }
        return filters;
    }

    /**
     * The filter of a message. Each priority's first message names only the classifier, without a
     * handle or options; the filters under it follow, each with TCA_OPTIONS.
     */
    private static Optional<BpfFilter> read(NetlinkMessage message, Direction direction) {
        Attributes attributes = message.attributes(TCMSG_SIZE);
        if (!attributes.get(TCA_KIND).map(kind -> kind.string().equals(CLS_BPF)).orElse(false)) {
            return Optional.empty();
        }
        return attributes.get(TCA_OPTIONS).map(Attributes.Attribute::nested).flatMap(options ->
                options.get(TCA_BPF_ID).map(id -> new BpfFilter(direction,
                        attributes.get(TCA_CHAIN).map(Attributes.Attribute::u32).orElse(0),
                        // tcm_info holds the priority in its upper 16 bits, the protocol in the lower.
                        message.u32(TCMSG_INFO) >>> 16,
                        message.u32(TCMSG_HANDLE),
                        id.u32(),
                        options.get(TCA_BPF_NAME).map(Attributes.Attribute::string).orElse(""),
                        options.get(TCA_BPF_FLAGS)
                                .map(flags -> (flags.u32() & TCA_BPF_FLAG_ACT_DIRECT) != 0).orElse(false))));
    }
}
