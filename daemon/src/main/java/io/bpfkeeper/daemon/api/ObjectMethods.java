package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfFs;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.KernelObjects;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.daemon.registry.LostObject;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Methods on any owned object: Get, List, Pin, Unpin, Release, Adopt. */
final class ObjectMethods {

    private final ApiContext api;

    ObjectMethods(ApiContext api) {
        this.api = api;
    }

    List<Method> methods() {
        return List.of(
                Method.onEventLoop("Get", this::get),
                Method.streaming("List", this::list),
                Method.onWorker("Pin", Audit.changing(this::pin)),
                Method.onWorker("Unpin", Audit.changing(this::unpin)),
                Method.onWorker("Release", Audit.changing(this::release)),
                Method.onWorker("Adopt", Audit.changing(this::adopt)));
    }

    /** An owned object, else a lost one: after a restart, a client may ask for an object it had. */
    private void get(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        ObjectKey key = new ObjectKey(params.kind("kind"), params.id("id"));
        Optional<OwnedObject> owned = api.registry().get(key);
        BpfObject view = owned.isPresent() ? ObjectViews.view(owned.get())
                : ObjectViews.view(api.registry().lost(key).orElseThrow(() -> ApiErrors.noSuchObject(key)));
        call.reply(Map.of("object", view));
    }

    /** Owned objects first, then the objects lost at the last start, both filtered alike. */
    private void list(CallContext call) {
        Params params = new Params(call.parameters());
        Kind kind = params.has("kind") ? params.kind("kind") : null;
        Predicate<Map<String, String>> labels = params.has("label") ? labelSelector(params.string("label"))
                : any -> true;
        ReplyStream stream = new ReplyStream(call);
        int hidden = 0;
        for (OwnedObject object : api.registry().list(
                object -> (kind == null || object.kind() == kind) && labels.test(object.labels()))) {
            if (api.authorization().mayDescribe(call.connection(), object.owner().uid())) {
                stream.add(Map.of("object", ObjectViews.view(object)));
            } else {
                hidden++;
            }
        }
        for (LostObject lost : api.registry().lost()) {
            if ((kind == null || lost.key().kind() == kind) && labels.test(lost.labels())) {
                if (api.authorization().mayDescribe(call.connection(), lost.owner().uid())) {
                    stream.add(Map.of("object", ObjectViews.view(lost)));
                } else {
                    hidden++;
                }
            }
        }
        stream.finishCounting(hidden);
    }

    /** "key=value" matches that value; "key" matches any object that has the label. */
    private static Predicate<Map<String, String>> labelSelector(String selector) {
        int equals = selector.indexOf('=');
        if (equals < 0) {
            return labels -> labels.containsKey(selector);
        }
        String key = selector.substring(0, equals);
        String value = selector.substring(equals + 1);
        return labels -> value.equals(labels.get(key));
    }

    private void pin(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        OwnedObject object = api.ownedForChange(params.kind("kind"), params.id("id"), call.connection());
        if (object.kernelObject() == null) {
            throw ApiErrors.invalidArgument("kind", object.key() + " is held by the kernel, not through an fd, so"
                    + " there is nothing to pin");
        }
        Path path = api.pinPaths().prepare(params.string("path"));
        api.pin(object, path);
        Audit.changed(call.connection(), "pinned " + object + " at " + path);
        call.reply(Map.of("path", path.toString()));
    }

    private void unpin(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        OwnedObject object = api.ownedForChange(params.kind("kind"), params.id("id"), call.connection());
        String requested = params.string("path");
        Path path = api.pinPaths().resolve(requested);
        if (!Files.exists(path)) {
            throw ApiErrors.invalidPinPath(requested, "no pin there");
        }
        try (Fd pinned = BpfFs.open(path)) {
            ObjectIdentity identity = ObjectIdentity.of(pinned);
            if (identity == null || identity.id() != object.id() || !identity.kind().label().equals(object.kind().wireName())) {
                throw ApiErrors.invalidPinPath(requested, "it does not hold " + object.key());
            }
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw ApiErrors.invalidPinPath(requested, "cannot remove it: " + e.getMessage());
        }
        api.registry().forgetPin(object, path);
        Audit.changed(call.connection(), "unpinned " + object + " from " + path);
        call.reply(Map.of());
    }

    private void release(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        if (params.has("group") == (params.has("kind") || params.has("id"))) {
            throw ApiErrors.invalidArgument("group", "give either kind and id, or group");
        }
        List<OwnedObject> objects = params.has("group")
                ? group(params.string("group"), call.connection())
                : List.of(api.ownedForChange(params.kind("kind"), params.id("id"), call.connection()));
        for (OwnedObject object : objects) {
            api.registry().release(object.key());
            Audit.changed(call.connection(), "released " + object + (object.pins().isEmpty() ? ""
                    : "; its pins " + object.pins() + " keep it alive"));
        }
        call.reply(Map.of());
    }

    /** Every object of a group, after checking that the caller may release each of them. */
    private List<OwnedObject> group(String group, Connection caller) throws VarlinkError {
        List<OwnedObject> members = api.registry().list(
                object -> group.equals(object.labels().get(ObjectLoadMethods.GROUP_LABEL)));
        if (members.isEmpty()) {
            throw ApiErrors.invalidArgument("group", "no owned object is in group " + group);
        }
        for (OwnedObject member : members) {
            Access.requireOwner(member, caller);
        }
        return members;
    }

    private void adopt(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        Connection caller = call.connection();
        boolean byPath = params.has("path");
        if (byPath == (params.has("kind") || params.has("id"))) {
            throw ApiErrors.invalidArgument(byPath ? "path" : "id",
                    "give either a pin path, or a kind and an id");
        }
        Path pin = null;
        Fd fd;
        if (byPath) {
            String requested = params.string("path");
            pin = api.pinPaths().resolve(requested);
            requirePinAccess(pin, requested, caller);
            fd = BpfFs.open(pin);
        } else {
            if (!params.has("kind") || !params.has("id")) {
                throw ApiErrors.invalidArgument(params.has("kind") ? "id" : "kind", "adopting by id needs kind and id");
            }
            fd = KernelIds.open(adoptableKind(params.kind("kind")), params.id("id"));
        }
        KernelObject object = wrap(fd, pin);
        Kind kind = object.kind() == ObjectKind.MAP ? Kind.MAP : Kind.PROGRAM;
        ObjectKey key = new ObjectKey(kind, object.id());
        if (api.registry().get(key).isPresent()) {
            object.close();
            throw ApiErrors.alreadyOwned(key);
        }
        OwnedObject owned = api.takeOwnership(call, kind, object, object.name(), object.typeName(),
                params.lifetime("lifetime", Lifetime.DAEMON), params.labels("labels"), null);
        if (pin != null) {
            api.registry().recordPin(owned, pin);
        }
        Audit.changed(caller, "adopted " + owned + (pin != null ? " from " + pin : ""));
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    private static void requirePinAccess(Path pin, String requested, Connection caller) throws VarlinkError {
        int ownerUid;
        try {
            ownerUid = PinPaths.ownerUid(pin);
        } catch (IOException e) {
            throw ApiErrors.invalidPinPath(requested, "no pin there");
        }
        if (!caller.isRoot() && caller.uid() != ownerUid) {
            throw ApiErrors.permissionDenied(caller.uid(),
                    "the pin " + pin + " belongs to uid " + ownerUid + "; only that uid or root may adopt it");
        }
    }

    private static ObjectKind adoptableKind(Kind kind) throws VarlinkError {
        ObjectKind kernel = ObjectKinds.kernelKind(kind);
        if (kernel != ObjectKind.MAP && kernel != ObjectKind.PROGRAM) {
            throw ApiErrors.invalidArgument("kind", "only maps and programs can be adopted");
        }
        return kernel;
    }

    /** Wraps an fd of a map or a program; anything else is closed and refused. */
    private static KernelObject wrap(Fd fd, Path pin) throws VarlinkError {
        KernelObject object = KernelObjects.wrapMapOrProgram(fd);
        if (object == null) {
            throw ApiErrors.invalidArgument(pin != null ? "path" : "kind", "only maps and programs can be adopted");
        }
        return object;
    }
}
