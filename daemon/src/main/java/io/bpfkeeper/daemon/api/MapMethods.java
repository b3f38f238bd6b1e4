package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.FdLeases;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.PartialBatchException;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.daemon.logging.LogText;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.List;
import java.util.Map;

/** CreateMap and the map data methods: MapLookup, MapUpdate, MapDelete, MapEntries, MapUpdateBatch. */
final class MapMethods {

    /** Entries per BPF_MAP_LOOKUP_BATCH while streaming MapEntries. */
    private static final int ENTRIES_PER_BATCH = 256;

    private final ApiContext api;
    private final ValueReferences references;
    private final long maxMapBytesPerCall;

    MapMethods(ApiContext api, long maxMapBytesPerCall) {
        this.api = api;
        this.references = new ValueReferences(api);
        this.maxMapBytesPerCall = maxMapBytesPerCall;
    }

    List<Method> methods() {
        return List.of(
                // Creating a large preallocated map takes long enough to keep off the event loop.
                Method.onWorker("CreateMap", Audit.changing(this::createMap)),
                Method.onEventLoop("MapLookup", this::lookup).readingParametersWith(MapCalls.LOOKUP::read),
                Method.onEventLoop("MapUpdate", Audit.changing(this::update))
                        .readingParametersWith(MapCalls.UPDATE::read),
                Method.onEventLoop("MapDelete", Audit.changing(this::delete))
                        .readingParametersWith(MapCalls.DELETE::read),
                Method.streaming("MapEntries", this::entries).readingParametersWith(MapCalls.ENTRIES::read),
                Method.onWorker("MapUpdateBatch", Audit.changing(this::updateBatch))
                        .readingParametersWith(UpdateBatchParameters::read));
    }

    private void createMap(CallContext call) throws VarlinkError {
        Params params = new Params(call.parameters());
        String name = Names.objectName(params, "name");
        MapType type = WireEnums.mapType("type", params.string("type"));
        if (type.holdsSockets()) {
            throw ApiErrors.invalidArgument("type", type.name() + " maps hold socket file descriptors, which"
                    + " bpfkeeper cannot take from clients safely yet");
        }
        MapSpec spec = new MapSpec(name, type, params.size("keySize"), params.size("valueSize"),
                params.size("maxEntries"), params.size("flags", 0));
        if ((spec.flags() & MapSpec.FLAGS_NAMING_FDS) != 0) {
            throw ApiErrors.invalidArgument("flags", "BPF_F_VTYPE_BTF_OBJ_FD (0x8000) and BPF_F_TOKEN_FD (0x10000)"
                    + " would make the kernel take a file descriptor from the daemon's table");
        }
        MapFootprint.requireWithin(spec, maxMapBytesPerCall, "the limit per map");
        BpfMap innerMap = innerMap(params, type, call);
        Lifetime lifetime = params.lifetime("lifetime", Lifetime.DAEMON);
        Map<String, String> labels = params.labels("labels");
        PinPaths.PinPath pin = params.has("pin") ? api.pinPaths().prepare(params.string("pin"), call.connection())
                : null;

        OwnedObject owned = api.takeOwnership(call, Kind.MAP, BpfMap.create(spec, innerMap), name, type.name(),
                lifetime, labels, pin);
        Audit.changed(call, owned.key(), "created " + owned + " " + type.name() + " " + lifetime.wireName());
        call.reply(Map.of("object", ObjectViews.view(owned)));
    }

    /**
     * The template of a map of maps: an owned map that the caller may use. Without one the kernel
     * would read inner_map_fd 0, the daemon's stdin.
     */
    private BpfMap innerMap(Params params, MapType type, CallContext call) throws VarlinkError {
        if (params.has("innerMap") != type.isMapOfMaps()) {
            throw ApiErrors.invalidArgument("innerMap", type.isMapOfMaps()
                    ? type.name() + " needs innerMap: the id of a map whose type and sizes its maps have"
                    : "only array_of_maps and hash_of_maps take an inner map");
        }
        return type.isMapOfMaps()
                ? api.ownedForUse(Kind.MAP, params.id("innerMap"), call.connection()).fdHeld().kernelObject() : null;
    }

    private void lookup(CallContext call) throws VarlinkError {
        MapCalls.KeyOf params = call.readParameters(MapCalls.KeyOf.class);
        BpfMap map = map(params.id());
        byte[] key = key(params.key(), map);
        byte[] value = map.lookup(key);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        if (value != null) {
            reply.put("value", Hex.encode(value));
            MapInfo info = map.info();
            if (info.type().isPerCpu()) {
                ArrayNode perCpu = reply.putArray("perCpu");
                for (int offset = 0; offset < value.length; offset += info.perCpuStride()) {
                    perCpu.add(Hex.encode(value, offset, info.valueSize()));
                }
            }
        }
        call.reply(reply);
    }

    private void update(CallContext call) throws VarlinkError {
        MapCalls.Update params = call.readParameters(MapCalls.Update.class);
        BpfMap map = ownedMap(params.id(), call);
        byte[] key = key(params.key(), map);
        MapInfo info = map.info();
        ValueReferences.requireWritable(info);
        byte[] decoded = Hex.decode(params.value());
        byte[] value = new byte[info.valueBufferSize()];
        if (decoded == null || !ValueLayout.of(info).place(decoded, 0, decoded.length, value, 0)) {
            throw badValue("value", info);
        }
        try (FdLeases referenced = new FdLeases()) {
            references.toFds(info, value, 1, value.length, i -> "value", call.connection(), referenced);
            map.update(key, value, WireEnums.updateMode("mode", params.mode()));
        }
        Audit.changed(call, "map " + map.id(), "wrote key " + LogText.escape(params.key()) + " of " + map);
        call.reply(Map.of());
    }

    private void delete(CallContext call) throws VarlinkError {
        MapCalls.KeyOf params = call.readParameters(MapCalls.KeyOf.class);
        BpfMap map = ownedMap(params.id(), call);
        byte[] key = key(params.key(), map);
        if (!map.delete(key)) {
            throw ApiErrors.noSuchKey(map.id(), params.key());
        }
        Audit.changed(call, "map " + map.id(), "deleted key " + LogText.escape(params.key()) + " of " + map);
        call.reply(Map.of());
    }

    private void entries(CallContext call) throws VarlinkError {
        BpfMap map = map(call.readParameters(MapCalls.EntriesOf.class).id());
        MapInfo info = map.info();
        if (info.type().isKeyless()) {
            throw ApiErrors.invalidArgument("id", info.type().name() + " maps have no keys to list");
        }
        ReplyStream stream = new ReplyStream(call);
        BpfMap.BatchCursor cursor = new BpfMap.BatchCursor(info);
        BpfMap.BatchChunk chunk = map.lookupBatch(cursor, ENTRIES_PER_BATCH);
        if (chunk == null) {
            // No batch lookup for this map type: walk the keys one by one.
            for (byte[] key = map.nextKey(null); key != null; key = map.nextKey(key)) {
                byte[] value = map.lookup(key);
                if (value != null) {
                    stream.add(entry(key, 0, key.length, value, 0, value.length));
                }
            }
        } else {
            int valueSize = info.valueBufferSize();
            while (true) {
                for (int i = 0; i < chunk.count(); i++) {
                    stream.add(entry(chunk.keys(), i * info.keySize(), info.keySize(), chunk.values(),
                            i * valueSize, valueSize));
                }
                if (chunk.last()) {
                    break;
                }
                chunk = map.lookupBatch(cursor, ENTRIES_PER_BATCH);
            }
        }
        stream.finish();
    }

    private static Map<String, String> entry(byte[] keys, int keyOffset, int keySize, byte[] values,
            int valueOffset, int valueSize) {
        return Map.of("key", Hex.encode(keys, keyOffset, keySize), "value", Hex.encode(values, valueOffset, valueSize));
    }

    private void updateBatch(CallContext call) throws VarlinkError {
        UpdateBatchParameters params = call.readParameters(UpdateBatchParameters.class);
        BpfMap map = ownedMap(params.id(), call);
        MapInfo info = map.info();
        ValueReferences.requireWritable(info);
        HexColumn keys = params.keys();
        HexColumn values = params.values();
        int count = keys.count();
        ValueLayout layout = ValueLayout.of(info);
        byte[] valueBuffer = new byte[count * layout.bufferSize()];
        for (int i = 0; i < count; i++) {
            if (keys.length(i) != info.keySize()) {
                throw ApiErrors.invalidArgument("entries[" + i + "].key",
                        "map " + map.id() + " needs " + info.keySize() + "-byte keys in hex");
            }
            if (!layout.place(values.bytes(), values.start(i), values.length(i), valueBuffer, i * layout.bufferSize())) {
                throw badValue("entries[" + i + "].value", info);
            }
        }
        int written;
        try (FdLeases referenced = new FdLeases()) {
            references.toFds(info, valueBuffer, count, layout.bufferSize(), i -> "entries[" + i + "].value",
                    call.connection(), referenced);
            // Every key has the map's size: back to back, they are the kernel's array of keys.
            written = map.updateBatch(keys.joined(), valueBuffer, count, WireEnums.updateMode("mode", params.mode()));
        } catch (PartialBatchException e) {
            throw ApiErrors.batchIncomplete(e);
        }
        Audit.changed(call, "map " + map.id(), "wrote " + written + " entries to " + map);
        call.reply(Map.of("count", written));
    }

    private BpfMap map(long id) throws VarlinkError {
        return api.owned(Kind.MAP, Params.id("id", id)).fdHeld().kernelObject();
    }

    private BpfMap ownedMap(long id, CallContext call) throws VarlinkError {
        return api.ownedForChange(Kind.MAP, Params.id("id", id), call.connection()).fdHeld().kernelObject();
    }

    private static byte[] key(String hex, BpfMap map) throws VarlinkError {
        byte[] key = Params.hex("key", hex);
        if (key.length != map.info().keySize()) {
            throw ApiErrors.invalidArgument("key", "map " + map.id() + " has " + map.info().keySize()
                    + "-byte keys, got " + key.length + " bytes");
        }
        return key;
    }

    /**
     * Where a decoded value goes in the kernel's buffer of a map's values, worked out once for a
     * whole batch: {@code bufferSize} bytes a value; for a per-CPU map, a value of {@code size}
     * bytes for each possible CPU, {@code stride} bytes apart.
     */
    private record ValueLayout(int bufferSize, int size, boolean perCpu, int stride) {

        static ValueLayout of(MapInfo info) {
            return new ValueLayout(info.valueBufferSize(), info.valueSize(), info.type().isPerCpu(), info.perCpuStride());
        }

        /**
         * Copies a value of {@code length} bytes into {@code target} at {@code offset}; false when
         * its length does not fit the map. A per-CPU map takes either one value, which every CPU
         * gets, or every CPU's value back to back, each padded to 8 bytes.
         */
        boolean place(byte[] value, int valueOffset, int length, byte[] target, int offset) {
            if (length == bufferSize) {
                System.arraycopy(value, valueOffset, target, offset, length);
                return true;
            }
            if (!perCpu || length != size) {
                return false;
            }
            for (int cpuOffset = offset; cpuOffset < offset + bufferSize; cpuOffset += stride) {
                System.arraycopy(value, valueOffset, target, cpuOffset, length);
            }
            return true;
        }
    }

    private static VarlinkError badValue(String parameter, MapInfo info) {
        return ApiErrors.invalidArgument(parameter, "map " + info.id() + " needs " + info.valueSize()
                + "-byte values in hex" + (info.type().isPerCpu()
                ? " (or " + info.valueBufferSize() + " bytes: every CPU's value, each padded to 8)" : ""));
    }

}
