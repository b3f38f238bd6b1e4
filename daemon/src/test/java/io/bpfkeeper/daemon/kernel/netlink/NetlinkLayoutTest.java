package io.bpfkeeper.daemon.kernel.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.HeaderProbe;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every number of {@link NetlinkLayout} against the installed headers, as gcc computes it. The
 * constants are found by reflection, so that a new one cannot escape the check: one named after a C
 * macro is compared with that macro, and an offset or size with its offsetof or sizeof below.
 */
class NetlinkLayoutTest {

    /** The C expression of each constant that is not named after a macro. */
    private static final Map<String, String> EXPRESSIONS = Map.ofEntries(
            Map.entry("NLMSG_LEN", "offsetof(struct nlmsghdr, nlmsg_len)"),
            Map.entry("NLMSG_TYPE", "offsetof(struct nlmsghdr, nlmsg_type)"),
            Map.entry("NLMSG_FLAGS", "offsetof(struct nlmsghdr, nlmsg_flags)"),
            Map.entry("NLMSG_SEQ", "offsetof(struct nlmsghdr, nlmsg_seq)"),
            Map.entry("NLMSGERR_ERROR", "offsetof(struct nlmsgerr, error)"),
            Map.entry("NLA_LEN", "offsetof(struct nlattr, nla_len)"),
            Map.entry("NLA_TYPE", "offsetof(struct nlattr, nla_type)"),
            // The header's mask is an int with the upper bits set; ours is of the 16-bit nla_type.
            Map.entry("NLA_TYPE_MASK", "(NLA_TYPE_MASK & 0xffff)"),
            Map.entry("IFINFOMSG_SIZE", "sizeof(struct ifinfomsg)"),
            Map.entry("IFINFOMSG_INDEX", "offsetof(struct ifinfomsg, ifi_index)"),
            Map.entry("TCMSG_SIZE", "sizeof(struct tcmsg)"),
            Map.entry("TCMSG_IFINDEX", "offsetof(struct tcmsg, tcm_ifindex)"),
            Map.entry("TCMSG_HANDLE", "offsetof(struct tcmsg, tcm_handle)"),
            Map.entry("TCMSG_PARENT", "offsetof(struct tcmsg, tcm_parent)"),
            Map.entry("TCMSG_INFO", "offsetof(struct tcmsg, tcm_info)"));

    @Test
    void everyConstantIsTheHeadersOwn() throws IllegalAccessException {
        Map<String, Long> ours = new LinkedHashMap<>();
        for (Field field : NetlinkLayout.class.getDeclaredFields()) {
            if (field.getType() == int.class && Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                ours.put(EXPRESSIONS.getOrDefault(field.getName(), field.getName()),
                        Integer.toUnsignedLong(field.getInt(null)));
            }
        }
        assertThat(ours).hasSizeGreaterThan(40).containsKeys("TC_H_CLSACT", "offsetof(struct tcmsg, tcm_info)");

        assertThat(mismatches(ours)).isEmpty();
    }

    @Test
    void theClsactParentsAreTcHMakesOwn() {
        Map<String, Long> ours = new LinkedHashMap<>();
        ours.put("TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)", Integer.toUnsignedLong(
                NetlinkLayout.tcHandle(NetlinkLayout.TC_H_CLSACT, NetlinkLayout.TC_H_MIN_INGRESS)));
        ours.put("TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)", Integer.toUnsignedLong(
                NetlinkLayout.tcHandle(NetlinkLayout.TC_H_CLSACT, NetlinkLayout.TC_H_MIN_EGRESS)));

        assertThat(mismatches(ours)).isEmpty();
    }

    @Test
    void alignmentIsNlmsgAlignsOwn() {
        List<Long> aligned = HeaderProbe.evaluate(List.of("NLMSG_ALIGN(0)", "NLMSG_ALIGN(1)", "NLMSG_ALIGN(4)",
                "NLMSG_ALIGN(5)", "NLA_ALIGN(7)"));

        assertThat(aligned).containsExactly((long) NetlinkLayout.align(0), (long) NetlinkLayout.align(1),
                (long) NetlinkLayout.align(4), (long) NetlinkLayout.align(5), (long) NetlinkLayout.align(7));
    }

    /** Each expression whose value, as an unsigned 32-bit number, is not ours. */
    private static List<String> mismatches(Map<String, Long> ours) {
        List<String> expressions = List.copyOf(ours.keySet());
        List<Long> header = HeaderProbe.evaluate(expressions);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            long headers = header.get(i) & 0xffffffffL;
            if (headers != ours.get(expressions.get(i))) {
                mismatches.add(expressions.get(i) + ": we say " + ours.get(expressions.get(i)) + ", the headers say "
                        + headers);
            }
        }
        return mismatches;
    }
}
