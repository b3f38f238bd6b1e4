package io.bpfkeeper.protocol.client;

import static io.bpfkeeper.protocol.BpfkeeperInterface.ADOPT;
import static io.bpfkeeper.protocol.BpfkeeperInterface.ATTACH;
import static io.bpfkeeper.protocol.BpfkeeperInterface.CREATE_MAP;
import static io.bpfkeeper.protocol.BpfkeeperInterface.DETACH;
import static io.bpfkeeper.protocol.BpfkeeperInterface.EXPLAIN;
import static io.bpfkeeper.protocol.BpfkeeperInterface.GET;
import static io.bpfkeeper.protocol.BpfkeeperInterface.GET_POLICY;
import static io.bpfkeeper.protocol.BpfkeeperInterface.LIST;
import static io.bpfkeeper.protocol.BpfkeeperInterface.LIST_ALL;
import static io.bpfkeeper.protocol.BpfkeeperInterface.LOAD_OBJECT;
import static io.bpfkeeper.protocol.BpfkeeperInterface.LOAD_PROGRAM;
import static io.bpfkeeper.protocol.BpfkeeperInterface.MAP_DELETE;
import static io.bpfkeeper.protocol.BpfkeeperInterface.MAP_ENTRIES;
import static io.bpfkeeper.protocol.BpfkeeperInterface.MAP_LOOKUP;
import static io.bpfkeeper.protocol.BpfkeeperInterface.MAP_UPDATE;
import static io.bpfkeeper.protocol.BpfkeeperInterface.MAP_UPDATE_BATCH;
import static io.bpfkeeper.protocol.BpfkeeperInterface.PIN;
import static io.bpfkeeper.protocol.BpfkeeperInterface.RELEASE;
import static io.bpfkeeper.protocol.BpfkeeperInterface.TEST_RUN;
import static io.bpfkeeper.protocol.BpfkeeperInterface.UNPIN;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Policy;
import io.bpfkeeper.protocol.types.SystemObject;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed calls to the {@code io.bpfkeeper} interface over a {@link VarlinkClient}.
 *
 * <p>Keys and values are lowercase hex strings of the raw bytes, as the IDL
 * says. A parameter documented as nullable may be passed as {@code null} to
 * leave it out. Errors of the interface arrive as {@link VarlinkCallException}
 * with the names in {@link io.bpfkeeper.protocol.BpfkeeperInterface}. Like the
 * client under it, not thread-safe.
 */
public final class BpfkeeperClient implements AutoCloseable {
    /** The handle of an object, and the pin path where a method needs one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Handle(Kind kind, long id, String path) {
    }

    /** A key of a map, and what to write under it where a method writes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record MapKey(long id, String key, String value, UpdateMode mode) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Filter(Kind kind, String label) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Batch(long id, List<Entry> entries, UpdateMode mode) {
    }

    private record MapId(long id) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Group(String group, Integer groupOwner) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record TestRun(long id, String data, Long repeat) {
    }

    private final VarlinkClient varlink;

    public BpfkeeperClient(VarlinkClient varlink) {
        this.varlink = varlink;
    }

    public static BpfkeeperClient connect(Path socketPath) {
        return new BpfkeeperClient(VarlinkClient.connect(socketPath));
    }

    public BpfObject createMap(CreateMapRequest request) {
        return objectOf(varlink.call(CREATE_MAP, request));
    }

    public LoadedProgram loadProgram(LoadProgramRequest request) {
        return convert(varlink.call(LOAD_PROGRAM, request), LoadedProgram.class);
    }

    public LoadedObject loadObject(LoadObjectRequest request) {
        return convert(varlink.call(LOAD_OBJECT, request), LoadedObject.class);
    }

    /**
     * @param data the input packet or context, hex
     * @param repeat how many runs; null for one
     */
    public TestRunResult testRun(long programId, String data, Long repeat) {
        return convert(varlink.call(TEST_RUN, new TestRun(programId, data, repeat)), TestRunResult.class);
    }

    /** @return the link, or for tc the attachment, that the daemon now owns */
    public BpfObject attach(AttachRequest request) {
        return objectOf(varlink.call(ATTACH, request));
    }

    /** Takes a link or an attachment off its hook; the daemon forgets it. */
    public void detach(Kind kind, long id) {
        varlink.call(DETACH, new Handle(kind, id, null));
    }

    public BpfObject get(Kind kind, long id) {
        return objectOf(varlink.call(GET, new Handle(kind, id, null)));
    }

    /**
     * @param kind only objects of this kind; null for every kind
     * @param label {@code key=value} or {@code key}; null for any labels
     */
    public List<BpfObject> list(Kind kind, String label) {
        List<BpfObject> objects = new ArrayList<>();
        varlink.callMore(LIST, new Filter(kind, label), reply -> {
            if (reply.hasNonNull("object")) {
                objects.add(objectOf(reply));
            }
        });
        return objects;
    }

    /** What keeps any map, program or link on the host alive, owned or not. */
    public Explanation explain(Kind kind, long id) {
        return convert(varlink.call(EXPLAIN, new Handle(kind, id, null)), Explanation.class);
    }

    /** What this client may do: its effective policy. */
    public Policy getPolicy() {
        return convert(varlink.call(GET_POLICY, null).get("policy"), Policy.class);
    }

    /**
     * Every program, map and link on the host, marking the ones bpfkeeper owns.
     *
     * @param kind only objects of this kind; null for every kind
     */
    public List<SystemObject> listAll(Kind kind) {
        List<SystemObject> objects = new ArrayList<>();
        varlink.callMore(LIST_ALL, new Filter(kind, null), reply -> {
            if (reply.hasNonNull("object")) {
                objects.add(convert(reply.get("object"), SystemObject.class));
            }
        });
        return objects;
    }

    public void release(Kind kind, long id) {
        varlink.call(RELEASE, new Handle(kind, id, null));
    }

    /**
     * Releases every object of the caller's own group {@code group}, such as the programs and maps of
     * one LoadObject.
     */
    public void releaseGroup(String group) {
        varlink.call(RELEASE, new Group(group, null));
    }

    /** Root only: releases the group {@code group} of the uid {@code owner}. */
    public void releaseGroup(String group, int owner) {
        varlink.call(RELEASE, new Group(group, owner));
    }

    /** @return the absolute path of the pin */
    public String pin(Kind kind, long id, String path) {
        return varlink.call(PIN, new Handle(kind, id, path)).path("path").textValue();
    }

    public void unpin(Kind kind, long id, String path) {
        varlink.call(UNPIN, new Handle(kind, id, path));
    }

    public BpfObject adopt(AdoptRequest request) {
        return objectOf(varlink.call(ADOPT, request));
    }

    /** @return empty when the key is not in the map */
    public Optional<MapValue> mapLookup(long mapId, String key) {
        JsonNode reply = varlink.call(MAP_LOOKUP, new MapKey(mapId, key, null, null));
        return reply.hasNonNull("value") ? Optional.of(convert(reply, MapValue.class)) : Optional.empty();
    }

    /** @param mode null for the daemon's default, {@code any} */
    public void mapUpdate(long mapId, String key, String value, UpdateMode mode) {
        varlink.call(MAP_UPDATE, new MapKey(mapId, key, value, mode));
    }

    public void mapDelete(long mapId, String key) {
        varlink.call(MAP_DELETE, new MapKey(mapId, key, null, null));
    }

    public List<Entry> mapEntries(long mapId) {
        List<Entry> entries = new ArrayList<>();
        varlink.callMore(MAP_ENTRIES, new MapId(mapId), reply -> {
            if (reply.hasNonNull("key")) {
                entries.add(convert(reply, Entry.class));
            }
        });
        return entries;
    }

    /**
     * @param mode null for the daemon's default, {@code any}
     * @return how many entries were written
     */
    public long mapUpdateBatch(long mapId, List<Entry> entries, UpdateMode mode) {
        return varlink.call(MAP_UPDATE_BATCH, new Batch(mapId, entries, mode)).path("count").asLong();
    }

    @Override
    public void close() {
        varlink.close();
    }

    private static BpfObject objectOf(JsonNode reply) {
        return convert(reply.get("object"), BpfObject.class);
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        return VarlinkClient.json().convertValue(node, type);
    }
}
