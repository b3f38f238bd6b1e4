package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.inspect.Explainer;
import io.bpfkeeper.daemon.inspect.Explanation;
import io.bpfkeeper.daemon.inspect.Holder;
import io.bpfkeeper.daemon.inspect.SystemObject;
import io.bpfkeeper.daemon.inspect.SystemObjects;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Owner;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Explain and ListAll: the host's BPF objects, owned or not, and what keeps each alive. */
final class InspectMethods {

    private static final List<ObjectKind> LIST_ORDER = List.of(ObjectKind.PROGRAM, ObjectKind.MAP, ObjectKind.LINK);

    private final ApiContext api;
    private final Explainer explainer;

    InspectMethods(ApiContext api, Explainer explainer) {
        this.api = api;
        this.explainer = explainer;
    }

    List<Method> methods() {
        // Both walk /proc or every object on the host: never on the event loop.
        return List.of(
                Method.onWorker("Explain", this::explain),
                Method.streaming("ListAll", this::listAll));
    }

    private void explain(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        ObjectKind kind = kernelKind(params.kind("kind"));
        Explanation explanation = explainer.explain(kind, params.id("id"));
        call.reply(Map.of(
                "owned", explanation.owned(),
                "holders", explanation.holders().stream().map(InspectMethods::view).toList(),
                "verdict", explanation.verdict()));
    }

    private void listAll(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        List<ObjectKind> kinds = params.has("kind") ? List.of(kernelKind(params.kind("kind"))) : LIST_ORDER;
        ReplyStream stream = new ReplyStream(call);
        boolean inspectHost = api.authorization().grants(call.connection()).inspectHost();
        int[] hidden = {0};
        for (ObjectKind kind : kinds) {
            SystemObjects.each(kind, object -> {
                if (inspectHost || isOwnedBy(call.connection().uid(), object)) {
                    stream.add(Map.of("object", view(object)));
                } else {
                    hidden[0]++;
                }
            });
        }
        stream.finishCounting(hidden[0]);
    }

    /** Without inspectHost, only the caller's own objects are described. */
    private boolean isOwnedBy(int uid, SystemObject object) {
        return api.registry().get(ObjectKinds.wireKind(object.kind()), object.id())
                .map(owned -> owned.owner().uid() == uid).orElse(false);
    }

    private static ObjectKind kernelKind(Kind kind) throws VarlinkError {
        ObjectKind kernel = ObjectKinds.kernelKind(kind);
        if (kernel == null) {
            throw ApiErrors.invalidArgument("kind", "only maps, programs and links have kernel ids");
        }
        return kernel;
    }

    private io.bpfkeeper.protocol.types.SystemObject view(SystemObject object) {
        Kind kind = ObjectKinds.wireKind(object.kind());
        Optional<OwnedObject> owned = api.registry().get(kind, object.id());
        boolean program = object.kind() == ObjectKind.PROGRAM;
        boolean link = object.kind() == ObjectKind.LINK;
        return new io.bpfkeeper.protocol.types.SystemObject(kind, object.id(), object.name(), object.type(),
                owned.isPresent(),
                owned.map(o -> new Owner(o.owner().uid(), o.owner().gid(), o.owner().pid())).orElse(null),
                owned.map(OwnedObject::lifetime).orElse(null),
                program ? Arrays.stream(object.mapIds()).asLongStream().boxed().toList() : null,
                program ? (long) object.createdByUid() : null,
                link ? (long) object.programId() : null,
                link ? object.target() : null);
    }

    private static io.bpfkeeper.protocol.types.Holder view(Holder holder) {
        String description = holder.description() + " until " + holder.endsWhen();
        if (holder instanceof Holder.ProcessFd process) {
            return new io.bpfkeeper.protocol.types.Holder(HolderType.PROCESS, description, (long) process.pid(),
                    process.command(), (long) process.fd(), null, null, null);
        }
        if (holder instanceof Holder.Pin pin) {
            return wire(HolderType.PIN, description, pin.path().toString(), null, null);
        }
        if (holder instanceof Holder.Link link) {
            return wire(HolderType.LINK, description, null, (long) link.linkId(), link.target());
        }
        if (holder instanceof Holder.Attachment attachment) {
            return wire(HolderType.ATTACHMENT, description, null, null,
                    attachment.target() + " " + attachment.hook());
        }
        if (holder instanceof Holder.UsingProgram program) {
            return wire(HolderType.PROGRAM, description, null, (long) program.programId(), null);
        }
        if (holder instanceof Holder.Daemon) {
            return wire(HolderType.DAEMON, description, null, null, null);
        }
        return wire(HolderType.FDSTORE, description, null, null, null);
    }

    private static io.bpfkeeper.protocol.types.Holder wire(HolderType type, String description, String path, Long id,
            String target) {
        return new io.bpfkeeper.protocol.types.Holder(type, description, null, null, null, path, id, target);
    }
}
