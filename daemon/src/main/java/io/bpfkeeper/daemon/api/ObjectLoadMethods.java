package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.Capabilities;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoadSpec;
import io.bpfkeeper.daemon.kernel.libbpf.ElfLoader;
import io.bpfkeeper.daemon.kernel.libbpf.LoadedElfObject;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.policy.Request;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** LoadObject: ELF objects through libbpf. */
final class ObjectLoadMethods {

    /** The label that ties the programs and maps of one LoadObject together. */
    static final String GROUP_LABEL = Labels.DAEMON_PREFIX + "group";

    private final ApiContext api;
    private final ElfLoader loader = new ElfLoader();

    ObjectLoadMethods(ApiContext api) {
        this.api = api;
    }

    List<Method> methods() {
        // libbpf and the verifier can take seconds: never on the event loop.
        return List.of(Method.onWorker("LoadObject", Audit.changing(this::loadObject)));
    }

    private void loadObject(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        String name = Names.objectName(params, "name");
        ElfLoadSpec spec = new ElfLoadSpec(name, elf(params, call.connection()), programOptions(params),
                hexValues(params, "globals"), reusedMaps(params, call.connection()));
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        Map<String, PinPaths.PinPath> pins = pins(params, call.connection());

        LoadedElfObject loaded = load(spec, call.connection());
        List<ApiContext.NewObject> objects;
        try {
            objects = newObjects(name, loaded, labels, pins, call.connection());
        } catch (VarlinkError e) {
            loaded.close();
            throw e;
        }
        List<OwnedObject.FdHeld> owned = api.takeOwnershipOfAll(call, objects, lifetime);
        Audit.changed(call, owned.stream().map(OwnedObject::key).toList(), "loaded object " + name + " as group "
                + LogText.quote(owned.get(0).labels().get(GROUP_LABEL)) + ": " + owned + " " + lifetime.wireName());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("objects", owned.stream().map(ObjectViews::view).toList());
        if (!loaded.log().isEmpty()) {
            reply.put("log", loaded.log());
        }
        call.reply(reply);
    }

    /**
     * Loads with libbpf, if the object's programs are of types the caller may load, with the
     * capabilities the policy gives them, so that the verifier judges them as it would the caller's
     * own. Maps that the object pins by name go in users/UID of the caller: the daemon reuses the
     * caller's pin there, if any, and makes the others' pins after the load.
     */
    private LoadedElfObject load(ElfLoadSpec spec, Connection caller) throws VarlinkError {
        try {
            return loader.load(spec, name -> {
                try {
                    return api.pinPaths().openUserMapPin(caller, name);
                } catch (VarlinkError e) {
                    throw new Refused(e);
                }
            }, types -> admit(caller, types));
        } catch (Refused e) {
            throw e.error;
        }
    }

    private Capabilities.Scope admit(Connection caller, Set<ProgramType> types) {
        Set<String> names = new TreeSet<>();
        types.forEach(type -> names.add(type.name()));
        try {
            api.authorization().require(caller, new Request.LoadPrograms(names));
        } catch (VarlinkError e) {
            throw new Refused(e);
        }
        return api.authorization().loaderCapabilities(caller, names);
    }

    /** A refusal from inside the loader, which takes no checked exceptions and knows no Varlink errors. */
    private static final class Refused extends RuntimeException {
        private final VarlinkError error;

        Refused(VarlinkError error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    private static byte[] elf(Params params, Connection caller) throws VarlinkError {
        if (params.has("elf") == params.has("path")) {
            throw ApiErrors.invalidArgument("elf", "give either elf (the object, base64) or path");
        }
        if (params.has("elf")) {
            try {
                return Base64.getDecoder().decode(params.string("elf"));
            } catch (IllegalArgumentException e) {
                throw ApiErrors.invalidArgument("elf", "not base64: " + e.getMessage());
            }
        }
        // The daemon reads with its own privileges, so only root may point it at a file.
        Access.requireRoot(caller, "loading an object from a path on the host");
        try {
            return Files.readAllBytes(Path.of(params.string("path")));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw ApiErrors.invalidArgument("path", "cannot read it: " + e.getMessage());
        }
    }

    private static Map<String, ElfLoadSpec.ProgramOverride> programOptions(Params params) throws VarlinkError {
        Map<String, ElfLoadSpec.ProgramOverride> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : fields(params, "programs")) {
            String prefix = "programs." + entry.getKey() + ".";
            JsonNode options = entry.getValue();
            ProgramType type = options.hasNonNull("type")
                    ? WireEnums.programType(prefix + "type", options.get("type").asText()) : null;
            AttachType attachType = options.hasNonNull("expectedAttachType") ? new AttachType(Names.kernelValue(
                    options.get("expectedAttachType").asText(), prefix + "expectedAttachType", AttachType.NAMES,
                    "attach type")) : null;
            overrides.put(entry.getKey(), new ElfLoadSpec.ProgramOverride(type, attachType));
        }
        return overrides;
    }

    private static Map<String, byte[]> hexValues(Params params, String parameter) throws VarlinkError {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : fields(params, parameter)) {
            byte[] value = Hex.decode(entry.getValue().asText());
            if (value == null) {
                throw ApiErrors.invalidArgument(parameter + "." + entry.getKey(), "not an even number of hex digits");
            }
            values.put(entry.getKey(), value);
        }
        return values;
    }

    /** Maps to share must be owned, and the caller must be allowed to use them: the programs write them. */
    private Map<String, BpfMap> reusedMaps(Params params, Connection caller) throws VarlinkError {
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : fields(params, "reuseMaps")) {
            long id = entry.getValue().asLong();
            if (id <= 0 || id > Integer.MAX_VALUE) {
                throw ApiErrors.invalidArgument("reuseMaps." + entry.getKey(), "not a kernel id: " + id);
            }
            maps.put(entry.getKey(), api.ownedForUse(Kind.MAP, (int) id, caller).fdHeld().kernelObject());
        }
        return maps;
    }

    private Map<String, PinPaths.PinPath> pins(Params params, Connection caller) throws VarlinkError {
        Map<String, PinPaths.PinPath> pins = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : fields(params, "pins")) {
            pins.put(entry.getKey(), api.pinPaths().prepare(entry.getValue().asText(), caller));
        }
        return pins;
    }

    /**
     * The objects to own, programs first, all labelled with one group. The group value is the
     * object's name and its first program's id, unique while the group lives.
     */
    private List<ApiContext.NewObject> newObjects(String objectName, LoadedElfObject loaded,
            Map<String, String> labels, Map<String, PinPaths.PinPath> pins, Connection caller) throws VarlinkError {
        Map<String, String> grouped = new LinkedHashMap<>(labels);
        String group = objectName + "-" + loaded.programs().get(0).program().id();
        grouped.put(GROUP_LABEL, group);
        Set<String> pinned = new HashSet<>();
        List<ApiContext.NewObject> objects = new ArrayList<>();
        for (LoadedElfObject.ElfProgram program : loaded.programs()) {
            objects.add(new ApiContext.NewObject(Kind.PROGRAM, program.program(), program.name(), grouped,
                    pinFor(program.name(), pins, pinned), false));
        }
        for (LoadedElfObject.ElfMap map : loaded.maps()) {
            if (map.pin() == null) {
                objects.add(new ApiContext.NewObject(Kind.MAP, map.map(), map.name(), grouped,
                        pinFor(map.name(), pins, pinned), false));
                continue;
            }
            if (pins.containsKey(map.name())) {
                throw ApiErrors.invalidArgument("pins." + map.name(), "the object pins map " + map.name()
                        + " by name, in " + PinPaths.USERS + "/" + caller.uid() + "; it takes no other pin");
            }
            pinned.add(map.name());
            PinPaths.PinPath pin = api.pinPaths().prepare(PinPaths.USERS + "/" + caller.uid() + "/" + map.name(),
                    caller);
            boolean reused = map.pin() == LoadedElfObject.PinByName.REUSED;
            Optional<OwnedObject> owned = reused ? api.registry().get(new ObjectKey(Kind.MAP, map.map().id()))
                    : Optional.empty();
            if (owned.isPresent()) {
                // The caller's already: its earlier load made it, and the program now shares it.
                Access.requireOwner(owned.get(), caller);
                map.map().close();
                continue;
            }
            objects.add(new ApiContext.NewObject(Kind.MAP, map.map(), map.name(), grouped, pin, reused));
        }
        for (String name : pins.keySet()) {
            if (!pinned.contains(name)) {
                throw ApiErrors.invalidArgument("pins." + name, "the object has no program or map " + name);
            }
        }
        return objects;
    }

    private static PinPaths.PinPath pinFor(String name, Map<String, PinPaths.PinPath> pins, Set<String> pinned)
            throws VarlinkError {
        PinPaths.PinPath pin = pins.get(name);
        if (pin != null && !pinned.add(name)) {
            throw ApiErrors.invalidArgument("pins." + name, "both a program and a map are called " + name);
        }
        return pin;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(Params params, String parameter) {
        if (!params.has(parameter)) {
            return List.of();
        }
        Iterator<Map.Entry<String, JsonNode>> fields = params.node(parameter).fields();
        return () -> fields;
    }
}
