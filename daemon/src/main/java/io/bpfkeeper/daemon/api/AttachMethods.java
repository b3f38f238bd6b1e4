package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Cgroup;
import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.kernel.link.Kprobe;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.kernel.link.Tc;
import io.bpfkeeper.daemon.kernel.link.Tcx;
import io.bpfkeeper.daemon.kernel.link.Tracepoint;
import io.bpfkeeper.daemon.kernel.link.Tracing;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Attach and Detach: programs onto hooks, through links that the daemon owns like maps and
 * programs, or, for tc, as attachments that the kernel holds and the daemon records.
 */
final class AttachMethods {

    /** The parameters that every hook takes. */
    private static final Set<String> COMMON = Set.of("programId", "hook", "lifetime", "pin", "labels");
    private static final Map<Hook, HookParameters> PARAMETERS = Map.of(
            Hook.XDP, new HookParameters(List.of("interface"), List.of("netns", "mode")),
            Hook.TCX, new HookParameters(List.of("interface", "direction"), List.of("netns")),
            Hook.TC, new HookParameters(List.of("interface", "direction"), List.of("netns", "priority", "handle")),
            Hook.CGROUP, new HookParameters(List.of("cgroup"), List.of("direction", "attachType")),
            Hook.TRACEPOINT, new HookParameters(List.of("category", "name"), List.of()),
            Hook.KPROBE, new HookParameters(List.of("function"), List.of("offset")),
            Hook.KRETPROBE, new HookParameters(List.of("function"), List.of("offset")),
            Hook.FENTRY, new HookParameters(List.of(), List.of("function")),
            Hook.FEXIT, new HookParameters(List.of(), List.of("function")));
    private static final long MAX_TC_HANDLE = 0xffffffffL;

    /** What a hook needs besides the common parameters, and what else it takes. */
    private record HookParameters(List<String> required, List<String> optional) {

        boolean takes(String parameter) {
            return COMMON.contains(parameter) || required.contains(parameter) || optional.contains(parameter);
        }
    }

    private final ApiContext api;

    AttachMethods(ApiContext api) {
        this.api = api;
    }

    List<Method> methods() {
        // Entering a namespace, netlink and BTF reads take a while: never on the event loop.
        return List.of(Method.onWorker("Attach", this::attach), Method.onWorker("Detach", this::detach));
    }

    private void attach(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        Hook hook = Hook.valueOf(params.string("hook").toUpperCase(Locale.ROOT));
        requireParametersOf(hook, params);
        OwnedObject program = api.ownedForChange(Kind.PROGRAM, params.id("programId"), call.connection());
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        if (hook == Hook.TC) {
            attachTcFilter(call, params, program, lifetime, labels);
            return;
        }
        PinPaths.PinPath pin = params.has("pin") ? api.pinPaths().prepare(params.string("pin"), call.connection())
                : null;
        BpfLink link = kernelCall(() -> link(hook, params, program.fdHeld().kernelObject(), call));
        // The program's name as the client knows it: the kernel keeps only 15 bytes of it.
        OwnedObject owned = api.takeOwnership(call, Kind.LINK, link, program.name(), link.typeName(), lifetime,
                labels, pin);
        Audit.changed(call, owned.key(), "attached " + program + " to " + LogText.escape(link.options()) + " by "
                + owned + " " + lifetime.wireName() + (pin != null ? ", pinned at " + LogText.quote(pin) : ""));
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    /** A tc filter is the kernel's: it cannot end with a session, and has no fd to pin. */
    private void attachTcFilter(CallContext call, Params params, OwnedObject program, Lifetime lifetime,
            Map<String, String> labels) throws VarlinkError {
        if (lifetime == Lifetime.SESSION) {
            throw ApiErrors.invalidArgument("lifetime", "the kernel, not the daemon, holds a tc filter, so it cannot"
                    + " end with the session; hook tcx attaches through a link, which can");
        }
        if (params.has("pin")) {
            throw ApiErrors.invalidArgument("pin", "the kernel holds a tc filter, and there is no fd of it to pin");
        }
        Attachment filter = kernelCall(() -> Tc.attach(program.fdHeld().kernelObject(), new Tc.Options(
                device(params, call), direction(params), (int) filterNumber(params, "priority"),
                (int) filterNumber(params, "handle"))));
        OwnedObject owned = api.recordAttachment(call, filter, program.name(), labels);
        Audit.changed(call, owned.key(), "attached " + program + " as " + owned + ": " + LogText.escape(filter));
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    private void detach(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        Kind kind = params.kind("kind");
        if (kind != Kind.LINK && kind != Kind.ATTACHMENT) {
            throw ApiErrors.invalidArgument("kind", "only links and attachments are attached; Release a "
                    + kind.wireName());
        }
        OwnedObject object = api.ownedForChange(kind, params.id("id"), call.connection());
        String outcome;
        if (object instanceof OwnedObject.KernelHeld attachment) {
            outcome = kernelCall(() -> attachment.attachment().detach()) ? "" : "; it was gone already";
        } else {
            BpfLink link = object.fdHeld().kernelObject();
            link.detach();
            outcome = object.pins().isEmpty() ? "" : "; its pins " + LogText.quoteAll(object.pins())
                    + " now hold a link that attaches nothing";
        }
        api.registry().release(object.key());
        Audit.changed(call, object.key(), "detached " + object + outcome);
        call.reply(Map.of());
    }

    /** Refuses parameters that the hook does not take and the absence of those it needs, by name. */
    private static void requireParametersOf(Hook hook, Params params) throws VarlinkError {
        HookParameters taken = PARAMETERS.get(hook);
        for (Iterator<String> names = params.names(); names.hasNext(); ) {
            String name = names.next();
            if (params.has(name) && !taken.takes(name)) {
                throw ApiErrors.invalidArgument(name, "hook " + hook.wireName() + " does not take it; it takes "
                        + String.join(", ", allOf(taken)));
            }
        }
        for (String name : taken.required()) {
            if (!params.has(name)) {
                throw ApiErrors.invalidArgument(name, "hook " + hook.wireName() + " needs it");
            }
        }
        if (hook == Hook.CGROUP && params.has("direction") == params.has("attachType")) {
            throw ApiErrors.invalidArgument("attachType", "hook cgroup needs either attachType, or direction for"
                    + " the ingress or egress of cgroup_skb programs");
        }
    }

    private static List<String> allOf(HookParameters taken) {
        List<String> all = new ArrayList<>(taken.required());
        all.addAll(taken.optional());
        return all;
    }

    private static BpfLink link(Hook hook, Params params, BpfProgram program, CallContext call) throws VarlinkError {
        switch (hook) {
            case XDP:
                return Xdp.attach(program, new Xdp.Options(device(params, call),
                        params.has("mode") ? Xdp.Mode.valueOf(params.string("mode").toUpperCase(Locale.ROOT)) : null));
            case TCX:
                return Tcx.attach(program, new Tcx.Options(device(params, call), direction(params)));
            case CGROUP:
                AttachType attachType = cgroupAttachType(params, program);
                // The open directory is what the attach is made to: its path may mean another one by then.
                try (Cgroup.Directory cgroup = Cgroup.open(path(params, "cgroup"))) {
                    return Cgroup.attach(program, cgroup, attachType);
                }
            case TRACEPOINT:
                return Tracepoint.attach(program, new Tracepoint.Options(params.string("category"),
                        params.string("name")));
            case KPROBE:
            case KRETPROBE:
                return Kprobe.attach(program, new Kprobe.Options(params.string("function"), params.size("offset", 0),
                        hook == Hook.KRETPROBE));
            case FENTRY:
            case FEXIT:
                return Tracing.attach(program, params.string("function", null), hook == Hook.FEXIT);
            default:
                throw new IllegalStateException("hook " + hook + " makes no link");
        }
    }

    private static NetDevice device(Params params, CallContext call) {
        NetworkNamespace netns = params.has("netns") ? NetworkNamespace.of(params.string("netns"),
                call.connection().uid()) : NetworkNamespace.DAEMONS_OWN;
        return new NetDevice(params.string("interface"), netns);
    }

    private static Direction direction(Params params) {
        return Direction.valueOf(params.string("direction").toUpperCase(Locale.ROOT));
    }

    /** attachType by name; direction stands for the two attach types of cgroup_skb programs. */
    private static AttachType cgroupAttachType(Params params, BpfProgram program) throws VarlinkError {
        if (params.has("attachType")) {
            return new AttachType(Names.kernelValue(params, "attachType", AttachType.NAMES, "attach type"));
        }
        if (!program.info().type().equals(ProgramType.CGROUP_SKB)) {
            throw ApiErrors.invalidArgument("direction", program + " is a " + program.info().type()
                    + " program, and direction names the attach types of cgroup_skb programs only; give attachType");
        }
        String name = direction(params) == Direction.INGRESS ? "cgroup_inet_ingress" : "cgroup_inet_egress";
        return AttachType.byName(name).orElseThrow();
    }

    private static Path path(Params params, String parameter) throws VarlinkError {
        try {
            return Path.of(params.string(parameter));
        } catch (InvalidPathException e) {
            throw ApiErrors.invalidArgument(parameter, "not a path: " + e.getMessage());
        }
    }

    /** A tc priority or handle: unsigned, 0 (or absent) for the kernel to pick. */
    private static long filterNumber(Params params, String parameter) throws VarlinkError {
        if (!params.has(parameter)) {
            return 0;
        }
        long value = params.node(parameter).asLong();
        if (value < 0 || value > MAX_TC_HANDLE) {
            throw ApiErrors.invalidArgument(parameter, "must be 0 to " + MAX_TC_HANDLE + ", got " + value);
        }
        return value;
    }

    /** A kernel call whose target turned out wrong becomes InvalidArgument, naming the part at fault. */
    private static <T> T kernelCall(KernelCall<T> call) throws VarlinkError {
        try {
            return call.run();
        } catch (InvalidTargetException e) {
            throw ApiErrors.invalidArgument(PartParameters.parameter(e.part()), e.getMessage());
        }
    }

    private interface KernelCall<T> {
        T run() throws VarlinkError;
    }
}
