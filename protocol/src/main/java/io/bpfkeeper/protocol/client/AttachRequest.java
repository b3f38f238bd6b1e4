package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.XdpMode;
import java.util.Map;

/**
 * The parameters of {@code io.bpfkeeper.Attach}. Start from the factory of the hook, such as
 * {@link #xdp} or {@link #tracepoint}, and add options with the {@code with} methods; each returns
 * a new request, and {@code null} leaves a parameter out.
 *
 * @param interfaceName the network device: the IDL's {@code interface}
 * @param netns a name under /run/netns, or pid:PID for a process of the caller's own uid
 * @param name the tracepoint's name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachRequest(
        long programId,
        Hook hook,
        @JsonProperty("interface") String interfaceName,
        String netns,
        Direction direction,
        XdpMode mode,
        String cgroup,
        String category,
        String name,
        String function,
        Lifetime lifetime,
        String pin,
        Map<String, String> labels,
        String attachType,
        Long offset,
        Long priority,
        Long handle) {

    /** A request for any hook, with nothing but the program and the hook. */
    public static AttachRequest of(long programId, Hook hook) {
        return new AttachRequest(programId, hook, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** xdp, tcx or tc on a device of the daemon's own network namespace; see {@link #inNetns}. */
    public static AttachRequest onInterface(long programId, Hook hook, String interfaceName) {
        return of(programId, hook).withInterface(interfaceName);
    }

    public static AttachRequest xdp(long programId, String interfaceName) {
        return onInterface(programId, Hook.XDP, interfaceName);
    }

    public static AttachRequest cgroup(long programId, String cgroup) {
        return of(programId, Hook.CGROUP).withCgroup(cgroup);
    }

    public static AttachRequest tracepoint(long programId, String category, String name) {
        return of(programId, Hook.TRACEPOINT).withTracepoint(category, name);
    }

    /** kprobe, kretprobe, fentry or fexit on a kernel function. */
    public static AttachRequest onFunction(long programId, Hook hook, String function) {
        return of(programId, hook).withFunction(function);
    }

    public AttachRequest withInterface(String newInterface) {
        return new AttachRequest(programId, hook, newInterface, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest inNetns(String newNetns) {
        return new AttachRequest(programId, hook, interfaceName, newNetns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withDirection(Direction newDirection) {
        return new AttachRequest(programId, hook, interfaceName, netns, newDirection, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withMode(XdpMode newMode) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, newMode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withCgroup(String newCgroup) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, newCgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withTracepoint(String newCategory, String newName) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, newCategory, newName,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withFunction(String newFunction) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                newFunction, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withLifetime(Lifetime newLifetime) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, newLifetime, pin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withPin(String newPin) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, newPin, labels, attachType, offset, priority, handle);
    }

    public AttachRequest withLabels(Map<String, String> newLabels) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, newLabels, attachType, offset, priority, handle);
    }

    /** bpftool's name of a cgroup attach type, such as {@code cgroup_inet4_connect}. */
    public AttachRequest withAttachType(String newAttachType) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, newAttachType, offset, priority, handle);
    }

    public AttachRequest withOffset(Long newOffset) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, newOffset, priority, handle);
    }

    /** The tc filter's priority and handle; null lets the kernel pick. */
    public AttachRequest withFilter(Long newPriority, Long newHandle) {
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, newPriority, newHandle);
    }
}
