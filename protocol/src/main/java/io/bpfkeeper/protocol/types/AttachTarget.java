package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The IDL type {@code AttachTarget}: where a link or an attachment is attached. Only the members of
 * its hook are set; the others are null.
 *
 * @param interfaceName the network device, by name: the IDL's {@code interface}
 * @param netns the device's network namespace as Attach was given it; null for the daemon's own
 * @param mode null when the kernel chose the XDP mode
 * @param attachType bpftool's name of a cgroup attach type, such as {@code cgroup_inet_egress}
 * @param category the tracepoint's category, such as {@code syscalls}
 * @param name the tracepoint's name, such as {@code sys_enter_getpid}
 * @param offset bytes into the function, for kprobes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttachTarget(
        @JsonProperty("interface") String interfaceName,
        String netns,
        Direction direction,
        XdpMode mode,
        Long priority,
        Long handle,
        String cgroup,
        String attachType,
        String category,
        String name,
        String function,
        Long offset) {
}
