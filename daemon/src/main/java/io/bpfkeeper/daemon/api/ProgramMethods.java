package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Capabilities;
import io.bpfkeeper.daemon.kernel.InstructionCheck;
import io.bpfkeeper.daemon.kernel.ProgramSpec;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** LoadProgram: programs from raw instructions. */
final class ProgramMethods {

    /** Room for a program that grows the packet it was given, as XDP programs may. */
    private static final int TEST_RUN_HEADROOM = 1024;

    private final ApiContext api;
    /** A run holds a worker and a core for as long as it repeats. */
    private final int maxTestRunRepeat;

    ProgramMethods(ApiContext api, int maxTestRunRepeat) {
        this.api = api;
        this.maxTestRunRepeat = maxTestRunRepeat;
    }

    List<Method> methods() {
        // The verifier can run for seconds: never on the event loop.
        return List.of(Method.onWorker("LoadProgram", Audit.changing(this::loadProgram)),
                Method.onWorker("TestRun", Audit.changing(this::testRun)));
    }

    private void loadProgram(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        String name = Names.objectName(params, "name");
        ProgramType type = WireEnums.programType("type", params.string("type"));
        byte[] instructions = params.hex("instructions");
        if (instructions.length == 0 || instructions.length % ProgramSpec.INSTRUCTION_SIZE != 0) {
            throw ApiErrors.invalidArgument("instructions",
                    "needs one or more 8-byte instructions, got " + instructions.length + " bytes");
        }
        AttachType attachType = params.has("expectedAttachType")
                ? new AttachType(Names.kernelValue(params, "expectedAttachType", AttachType.NAMES, "attach type"))
                : null;
        int logLevel = params.size("logLevel", 0);
        if (logLevel > 2) {
            throw ApiErrors.invalidArgument("logLevel", "must be 0, 1 or 2");
        }
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        PinPaths.PinPath pin = params.has("pin") ? api.pinPaths().prepare(params.string("pin"), call.connection())
                : null;
        List<BpfMap> maps = usableMaps(params, call.connection());
        try {
            InstructionCheck.checkProgram(instructions, maps.size());
        } catch (InstructionCheck.InvalidInstructionException e) {
            throw ApiErrors.invalidArgument("instructions", e.getMessage());
        }

        BpfProgram.Loaded loaded;
        try (Capabilities.Scope verifierView = api.authorization().loaderCapabilities(call.connection(),
                Set.of(type.name()))) {
            loaded = BpfProgram.load(new ProgramSpec(name, type, instructions, params.string("license"), attachType,
                    logLevel, maps));
        }
        OwnedObject owned = api.takeOwnership(call, Kind.PROGRAM, loaded.program(), name, type.name(), lifetime,
                labels, pin);
        Audit.changed(call, owned.key(), "loaded " + owned + " " + type.name() + " " + lifetime.wireName());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("object", ObjectViews.view(owned));
        if (loaded.log() != null) {
            reply.put("log", loaded.log());
        }
        call.reply(reply);
    }

    /** The maps the instructions may refer to by index: each owned, and usable by the caller. */
    private List<BpfMap> usableMaps(Params params, Connection caller) throws VarlinkError {
        if (!params.has("maps")) {
            return List.of();
        }
        List<BpfMap> maps = new ArrayList<>();
        JsonNode ids = params.node("maps");
        for (int i = 0; i < ids.size(); i++) {
            int id = Params.id("maps[" + i + "]", ids.get(i).asLong());
            maps.add(api.ownedForUse(Kind.MAP, id, caller).fdHeld().kernelObject());
        }
        return maps;
    }

    /** Runs a program without attaching it. Its owner only: a run can write the maps it uses. */
    private void testRun(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        BpfProgram program = api.ownedForChange(Kind.PROGRAM, params.id("id"), call.connection()).fdHeld()
                .kernelObject();
        byte[] data = params.hex("data");
        int repeat = params.size("repeat", 1);
        if (repeat > maxTestRunRepeat) {
            throw ApiErrors.invalidArgument("repeat", "at most " + maxTestRunRepeat + ", got " + repeat);
        }
        BpfProgram.TestRunResult result = program.testRun(data, repeat, data.length + TEST_RUN_HEADROOM);
        Audit.changed(call, "program " + program.id(), "test-ran " + program + " " + repeat + " times: retval " + result.retval());
        call.reply(Map.of("retval", Integer.toUnsignedLong(result.retval()), "data", Hex.encode(result.dataOut()),
                "durationNs", result.durationNs()));
    }
}
