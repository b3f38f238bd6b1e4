package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.List;
import java.util.Map;

/**
 * Attach and Detach: programs onto hooks, through links that the daemon owns like maps and
 * programs, or, for tc, as attachments that the kernel holds and the daemon records.
 */
final class AttachMethods {

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
        HookBinding<?> hook = HookBinding.of(hookOf(params));
        hook.requireParameters(params);
        OwnedObject program = api.ownedForChange(Kind.PROGRAM, params.id("programId"), call.connection());
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        if (hook instanceof TcHook tc) {
            attachTcFilter(call, tc, new AttachCall(params, program.fdHeld().kernelObject(), call.connection().uid(), null),
                    program, lifetime, labels);
            return;
        }
        PinPaths.PinPath pin = params.has("pin") ? api.pinPaths().prepare(params.string("pin"), call.connection())
                : null;
        BpfLink link;
        // A link holds its device, and the device its namespace: the namespace's fd is done with after.
        try (Fd netnsFd = params.has("netnsFd") ? call.takeFd("netnsFd", params.node("netnsFd").asLong()) : null) {
            AttachCall attach = new AttachCall(params, program.fdHeld().kernelObject(), call.connection().uid(), netnsFd);
            link = kernelCall(() -> link((HookBinding.MakesLink<?>) hook, attach));
        }
        // The program's name as the client knows it: the kernel keeps only 15 bytes of it.
        OwnedObject owned = api.takeOwnership(call, Kind.LINK, link, program.name(), link.typeName(), lifetime,
                labels, pin);
        Audit.changed(call, owned.key(), "attached " + program + " to " + LogText.escape(link.options()) + " by "
                + owned + " " + lifetime.wireName() + (pin != null ? ", pinned at " + LogText.quote(pin) : ""));
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    /** The hook parameter, which the IDL validated to be one of its hooks. */
    static Hook hookOf(Params params) {
        return AttachCall.wireEnum(params, "hook", Hook.class);
    }

    private static <O extends AttachOptions> BpfLink link(HookBinding.MakesLink<O> hook, AttachCall call)
            throws VarlinkError {
        return hook.attach(call.program(), hook.options(call));
    }

    /** A tc filter is the kernel's: it cannot end with a session, and has no fd to pin. */
    private void attachTcFilter(CallContext call, TcHook tc, AttachCall attach, OwnedObject program,
            Lifetime lifetime, Map<String, String> labels) throws VarlinkError {
        if (lifetime == Lifetime.SESSION) {
            throw ApiErrors.invalidArgument("lifetime", "the kernel, not the daemon, holds a tc filter, so it cannot"
                    + " end with the session; hook tcx attaches through a link, which can");
        }
        if (attach.params().has("pin")) {
            throw ApiErrors.invalidArgument("pin", "the kernel holds a tc filter, and there is no fd of it to pin");
        }
        Attachment filter = kernelCall(() -> tc.attach(attach.program(), tc.options(attach)));
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
