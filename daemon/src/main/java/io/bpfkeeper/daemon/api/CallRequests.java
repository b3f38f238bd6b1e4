package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.link.Cgroup;
import io.bpfkeeper.daemon.policy.Request;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each io.bpfkeeper call asks of the policy, from its method and parameters: the types it
 * would create or load, where it would attach and pin, and whose objects it would take or see.
 * Values the handler would refuse as invalid are left to the handler, which says why.
 */
final class CallRequests implements Authorization.MethodRequests {

    /**
     * Their parameters are read into records, without a tree (see {@link MapCalls}), and only
     * ownership, which their handlers check, matters.
     */
    private static final Set<String> MAP_DATA_METHODS =
            Set.of("MapLookup", "MapUpdate", "MapDelete", "MapEntries", "MapUpdateBatch");

    private final ApiContext api;

    CallRequests(ApiContext api) {
        this.api = api;
    }

    @Override
    public List<Request> of(String method, CallContext call) throws VarlinkError {
        if (MAP_DATA_METHODS.contains(method)) {
            return List.of();
        }
        Params params = new Params(call.parameters());
        List<Request> requests = new ArrayList<>();
        switch (method) {
            case "CreateMap" -> {
                String type = params.string("type");
                if (MapType.byName(type).isPresent()) {
                    requests.add(new Request.CreateMap(type));
                }
                pin(params, "pin", requests);
            }
            case "LoadProgram" -> {
                String type = params.string("type");
                if (ProgramType.byName(type).isPresent()) {
                    requests.add(new Request.LoadPrograms(Set.of(type)));
                }
                pin(params, "pin", requests);
            }
            case "LoadObject" -> {
                if (params.has("pins")) {
                    for (Iterator<String> names = params.node("pins").fieldNames(); names.hasNext(); ) {
                        requests.add(pinRequest(params.node("pins").get(names.next()).asText()));
                    }
                }
            }
            case "Attach" -> {
                HookBinding<?> hook = HookBinding.of(AttachMethods.hookOf(params));
                requests.add(new Request.Attach(hook.hook().wireName(),
                        hook.takes("interface") ? netns(params, call) : null,
                        hook.takes("cgroup") && params.has("cgroup") ? cgroup(params.string("cgroup")) : null));
                pin(params, "pin", requests);
            }
            case "Pin" -> pin(params, "path", requests);
            case "Adopt" -> {
                if (params.has("id")) {
                    requests.add(new Request.AdoptForeign("an object by kernel id"));
                }
            }
            case "Get", "Explain" -> {
                Kind kind = params.kind("kind");
                int id = params.id("id");
                if (!ownedBy(kind, id, call)) {
                    requests.add(new Request.Inspect(kind.wireName() + " " + id));
                }
            }
            default -> {
            }
        }
        return requests;
    }

    /** Whether the caller owns the object, or owned it before the daemon lost it. */
    private boolean ownedBy(Kind kind, int id, CallContext call) {
        ObjectKey key = new ObjectKey(kind, id);
        Optional<OwnedObject> owned = api.registry().get(key);
        int uid = call.connection().uid();
        if (owned.isPresent()) {
            return owned.get().owner().uid() == uid;
        }
        return api.registry().lost(key).map(lost -> lost.owner().uid() == uid).orElse(false);
    }

    private void pin(Params params, String parameter, List<Request> requests) throws VarlinkError {
        if (params.has(parameter)) {
            requests.add(pinRequest(params.string(parameter)));
        }
    }

    private Request pinRequest(String requested) throws VarlinkError {
        PinPaths.PinPath resolved = api.pinPaths().resolve(requested);
        return new Request.Pin(resolved.parent().isEmpty() ? resolved.name() : resolved.parent() + "/" + resolved.name());
    }

    /**
     * The device's namespace, and who owns it, as the kernel says: read through the same checked
     * open as the attach will make, so that the policy never opens what a client names by path. A
     * namespace that came as an fd is only looked at here: the handler takes the fd.
     */
    private static Request.Netns netns(Params params, CallContext call) throws VarlinkError {
        if (params.has("netnsFd")) {
            if (params.has("netns")) {
                // The attach refuses both at once, before it opens anything.
                return null;
            }
            return call.lendFd("netnsFd", params.node("netnsFd").asLong(), fd -> {
                try {
                    return netns(NetworkNamespace.passed(fd), null);
                } catch (InvalidTargetException notANetworkNamespace) {
                    // The attach refuses it, and says what the fd is.
                    return null;
                }
            });
        }
        if (!params.has("netns")) {
            return netns(NetworkNamespace.DAEMONS_OWN, "the daemon's own");
        }
        String given = params.string("netns");
        try {
            return netns(NetworkNamespace.of(given, call.connection().uid()), given);
        } catch (InvalidTargetException notAForm) {
            // None of the forms: the attach refuses it the same way, by its text alone, and opens nothing.
            return null;
        }
    }

    /** @param given as the client named it; null for the name the namespace gives itself */
    private static Request.Netns netns(NetworkNamespace namespace, String given) {
        return new Request.Netns(given != null ? given : namespace.spec(), namespace.nameUnderRunNetns(),
                namespace.ownerUid().orElse(-1));
    }

    /** The cgroup's directory and its owner: a directory that systemd's Delegate= gave to a user. */
    private static Request.CgroupTarget cgroup(String given) {
        try (Cgroup.Directory directory = Cgroup.open(Path.of(given))) {
            return new Request.CgroupTarget(directory.path().toString(), directory.ownerUid());
        } catch (InvalidTargetException | InvalidPathException unusable) {
            return new Request.CgroupTarget(given, -1);
        }
    }
}
