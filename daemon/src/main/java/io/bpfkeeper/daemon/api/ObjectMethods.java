package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.KernelObjects;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.LostObject;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
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
    private void list(CallContext call) throws VarlinkError {
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
        if (!(object instanceof OwnedObject.FdHeld held)) {
            throw ApiErrors.invalidArgument("kind", object.key() + " is held by the kernel, not through an fd, so"
                    + " there is nothing to pin");
        }
        PinPaths.PinPath path = api.pinPaths().prepare(params.string("path"), call.connection());
        api.pin(held, path, call.connection());
        Audit.changed(call, object.key(), "pinned " + object + " at " + LogText.quote(path));
        call.reply(Map.of("path", path.toString()));
    }

    private void unpin(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        OwnedObject object = api.ownedForChange(params.kind("kind"), params.id("id"), call.connection());
        PinPaths.PinPath path = api.pinPaths().resolve(params.string("path"));
        if (object.lifetime() == Lifetime.DAEMON && object instanceof OwnedObject.FdHeld
                && object.pins().equals(List.of(path.absolute()))) {
            // Its last pin: from now on only systemd's fd store keeps it across a restart.
            api.requireFdStoreEntryFor(call.connection());
        }
        api.pinPaths().unpin(path, new ObjectIdentity(ObjectKinds.kernelKind(object.kind()), object.id()),
                object.key().toString());
        api.registry().forgetPin(object, path.absolute());
        Audit.changed(call, object.key(), "unpinned " + object + " from " + LogText.quote(path));
        call.reply(Map.of());
    }

    private void release(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        if (params.has("group") == (params.has("kind") || params.has("id"))) {
            throw ApiErrors.invalidArgument("group", "give either kind and id, or group");
        }
        if (params.has("groupOwner") && !params.has("group")) {
            throw ApiErrors.invalidArgument("groupOwner", "goes with group");
        }
        if (!params.has("group") && !(params.has("kind") && params.has("id"))) {
            throw ApiErrors.invalidArgument(params.has("kind") ? "id" : "kind", "releasing by id needs kind and id");
        }
        List<OwnedObject> objects = params.has("group")
                ? group(params, call.connection())
                : List.of(api.ownedForChange(params.kind("kind"), params.id("id"), call.connection()));
        for (OwnedObject object : objects) {
            api.registry().release(object.key());
            Audit.changed(call, object.key(), "released " + object + (object.pins().isEmpty() ? ""
                    : "; its pins " + LogText.quoteAll(object.pins()) + " keep it alive"));
        }
        call.reply(Map.of());
    }

    /**
     * Every object of a group. A group is its owner's: the caller's own group of that name, or for
     * root the one of the uid in groupOwner. Objects of another uid that carry the same group label
     * are not in it, so they can neither be released by it nor stop its release.
     */
    private List<OwnedObject> group(Params params, Connection caller) throws VarlinkError {
        String group = params.string("group");
        int owner = params.has("groupOwner") ? params.size("groupOwner") : caller.uid();
        if (owner != caller.uid()) {
            Access.requireRoot(caller, "releasing the group of another uid");
        }
        List<OwnedObject> members = api.registry().list(object -> object.owner().uid() == owner
                && group.equals(object.labels().get(ObjectLoadMethods.GROUP_LABEL)));
        if (members.isEmpty()) {
            throw ApiErrors.invalidArgument("group", "uid " + owner + " owns no object in group " + group);
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
        // Checked before an fd is open, which a refusal would have to close.
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        PinPaths.PinPath pin = null;
        Fd fd;
        if (byPath) {
            pin = api.pinPaths().resolve(params.string("path"));
            fd = api.pinPaths().openForAdoption(pin, caller);
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
        OwnedObject owned = pin != null
                ? api.takeOwnershipOfPinned(call, kind, object, object.name(), object.typeName(), lifetime, labels,
                        pin.absolute())
                : api.takeOwnership(call, kind, object, object.name(), object.typeName(), lifetime, labels, null);
        Audit.changed(call, owned.key(), "adopted " + owned + (pin != null ? " from " + LogText.quote(pin) : ""));
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    private static ObjectKind adoptableKind(Kind kind) throws VarlinkError {
        ObjectKind kernel = ObjectKinds.kernelKind(kind);
        if (kernel != ObjectKind.MAP && kernel != ObjectKind.PROGRAM) {
            throw ApiErrors.invalidArgument("kind", "only maps and programs can be adopted");
        }
        return kernel;
    }

    /** Wraps an fd of a map or a program; anything else is closed and refused. */
    private static KernelObject wrap(Fd fd, PinPaths.PinPath pin) throws VarlinkError {
        KernelObject object = KernelObjects.wrapMapOrProgram(fd);
        if (object == null) {
            throw ApiErrors.invalidArgument(pin != null ? "path" : "kind", "only maps and programs can be adopted");
        }
        return object;
    }
}
