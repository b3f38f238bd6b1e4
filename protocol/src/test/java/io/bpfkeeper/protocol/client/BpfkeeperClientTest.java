package io.bpfkeeper.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.CannedServer.Answer;
import io.bpfkeeper.protocol.idl.Validator;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.MapProperties;
import io.bpfkeeper.protocol.types.UpdateMode;
import io.bpfkeeper.protocol.types.XdpMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the typed client against canned replies. The server checks every call
 * and every canned reply against the IDL, so that neither side of these tests
 * can drift from the contract unnoticed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BpfkeeperClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Validator CONTRACT = new Validator(BpfkeeperInterface.definition());

    private static final String MAP_OBJECT = """
            {"kind":"map","id":42,"name":"counters","type":"hash","lifetime":"daemon",
              "owner":{"uid":1000,"gid":1000,"pid":4242},"pins":["/sys/fs/bpf/counters"],
              "labels":{"app":"demo"},"createdAt":"2025-01-02T03:04:05Z",
              "map":{"keySize":4,"valueSize":8,"maxEntries":1024,"flags":1}}
            """;

    private static final String PROGRAM_OBJECT = """
            {"kind":"program","id":17,"name":"drop","type":"xdp","lifetime":"daemon",
              "owner":{"uid":0,"gid":0,"pid":1},"pins":[],"labels":{},"createdAt":"2025-01-02T03:04:05Z",
              "program":{"tag":"0123456789abcdef","mapIds":[42]}}
            """;

    private static final String LINK_OBJECT = """
            {"kind":"link","id":7,"name":"xdp_count","type":"xdp","lifetime":"daemon",
              "owner":{"uid":0,"gid":0,"pid":1},"pins":[],"labels":{},"createdAt":"2025-01-02T03:04:05Z",
              "link":{"hook":"xdp","programId":17,"attached":true,
                "target":{"interface":"veth0","netns":"blue","mode":"generic"}}}
            """;

    @TempDir
    Path directory;

    private CannedServer server;
    private BpfkeeperClient client;
    private final List<String> offContract = new ArrayList<>();

    /** @param replies each reply's parameters, as JSON; all but the last continue */
    private void answerWith(String... replies) throws Exception {
        server = new CannedServer(directory, call -> answer(call, replies));
        client = BpfkeeperClient.connect(server.path());
    }

    private Answer answer(String call, String[] replies) {
        JsonNode message = parse(call);
        String method = message.get("method").asText().substring(BpfkeeperInterface.NAME.length() + 1);
        CONTRACT.validateCall(method, message.get("parameters"))
                .ifPresent(path -> offContract.add(method + " call: " + path));
        String[] messages = new String[replies.length];
        for (int i = 0; i < replies.length; i++) {
            CONTRACT.validateReply(method, parse(replies[i]))
                    .ifPresent(path -> offContract.add(method + " reply: " + path));
            String continues = i < replies.length - 1 ? ",\"continues\":true" : "";
            messages[i] = "{\"parameters\":" + replies[i] + continues + "}";
        }
        return Answer.replies(messages);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private JsonNode sentParameters() throws InterruptedException {
        return parse(server.received.poll(5, TimeUnit.SECONDS)).get("parameters");
    }

    @AfterEach
    void closeBothAndCheckTheContract() throws Exception {
        client.close();
        server.close();
        assertThat(offContract).isEmpty();
    }

    @Test
    void createsAMap() throws Exception {
        answerWith("{\"object\":" + MAP_OBJECT + "}");

        BpfObject map = client.createMap(CreateMapRequest.of("counters", "hash", 4, 8, 1024)
                .withFlags(1).withLifetime(Lifetime.SESSION).withPin("counters").withLabels(Map.of("app", "demo")));

        assertThat(map.id()).isEqualTo(42);
        assertThat(map.map()).isEqualTo(new MapProperties(4, 8, 1024, 1));
        assertThat(sentParameters()).isEqualTo(parse("""
                {"name":"counters","type":"hash","keySize":4,"valueSize":8,"maxEntries":1024,
                  "flags":1,"lifetime":"session","pin":"counters","labels":{"app":"demo"}}
                """));
    }

    @Test
    void leavesOutOptionalParameters() throws Exception {
        answerWith("{\"object\":" + MAP_OBJECT + "}");

        client.createMap(CreateMapRequest.of("counters", "hash", 4, 8, 1024));

        assertThat(sentParameters().fieldNames()).toIterable()
                .containsExactly("name", "type", "keySize", "valueSize", "maxEntries");
    }

    @Test
    void loadsAProgram() throws Exception {
        answerWith("{\"object\":" + PROGRAM_OBJECT + ",\"log\":\"processed 2 insns\"}");

        LoadedProgram loaded = client.loadProgram(
                LoadProgramRequest.of("drop", "xdp", "b700000001000000", "GPL")
                        .withExpectedAttachType("xdp").withLogLevel(1).withLifetime(Lifetime.DAEMON)
                        .withPin("progs/drop").withLabels(Map.of()));

        assertThat(loaded.object().program().mapIds()).containsExactly(42L);
        assertThat(loaded.log()).isEqualTo("processed 2 insns");
        assertThat(sentParameters().get("logLevel").asLong()).isEqualTo(1);
    }

    @Test
    void getsAnObjectByHandle() throws Exception {
        answerWith("{\"object\":" + MAP_OBJECT + "}");

        assertThat(client.get(Kind.MAP, 42).name()).isEqualTo("counters");
        assertThat(sentParameters()).isEqualTo(parse("{\"kind\":\"map\",\"id\":42}"));
    }

    @Test
    void releasesAndUnpinsByHandle() throws Exception {
        answerWith("{}");

        client.release(Kind.LINK, 3);
        client.unpin(Kind.PROGRAM, 17, "/sys/fs/bpf/drop");

        assertThat(sentParameters()).isEqualTo(parse("{\"kind\":\"link\",\"id\":3}"));
        assertThat(sentParameters()).isEqualTo(parse("{\"kind\":\"program\",\"id\":17,\"path\":\"/sys/fs/bpf/drop\"}"));
    }

    @Test
    void pinsAndReturnsTheAbsolutePath() throws Exception {
        answerWith("{\"path\":\"/sys/fs/bpf/drop\"}");

        assertThat(client.pin(Kind.PROGRAM, 17, "drop")).isEqualTo("/sys/fs/bpf/drop");
    }

    @Test
    void listsStreamedObjects() throws Exception {
        answerWith("{\"object\":" + MAP_OBJECT + "}", "{\"object\":" + MAP_OBJECT.replace("42", "43") + "}");

        assertThat(client.list(Kind.MAP, "app=demo")).extracting(BpfObject::id).containsExactly(42L, 43L);
        JsonNode call = parse(server.received.poll(5, TimeUnit.SECONDS));
        assertThat(call.get("more").asBoolean()).isTrue();
        assertThat(call.get("parameters")).isEqualTo(parse("{\"kind\":\"map\",\"label\":\"app=demo\"}"));
    }

    @Test
    void listsNothingFromTheReplyWithoutAnObject() throws Exception {
        answerWith("{}");

        assertThat(client.list(null, null)).isEmpty();
        assertThat(sentParameters()).isEqualTo(parse("{}"));
    }

    @Test
    void adoptsByPathOrById() throws Exception {
        answerWith("{\"object\":" + MAP_OBJECT + "}");

        client.adopt(AdoptRequest.byPath("counters").withLifetime(Lifetime.SESSION));
        client.adopt(AdoptRequest.byId(Kind.MAP, 42).withLabels(Map.of("a", "b")));

        assertThat(sentParameters()).isEqualTo(parse("{\"path\":\"counters\",\"lifetime\":\"session\"}"));
        assertThat(sentParameters()).isEqualTo(parse("{\"kind\":\"map\",\"id\":42,\"labels\":{\"a\":\"b\"}}"));
    }

    @Test
    void attachesAndReadsTheTarget() throws Exception {
        answerWith("{\"object\":" + LINK_OBJECT + "}");

        BpfObject link = client.attach(AttachRequest.xdp(17, "veth0").inNetns("blue").withMode(XdpMode.GENERIC)
                .withLifetime(Lifetime.SESSION).withPin("links/xdp"));

        assertThat(link.kind()).isEqualTo(Kind.LINK);
        assertThat(link.link().target()).isEqualTo(new AttachTarget("veth0", "blue", null, XdpMode.GENERIC, null,
                null, null, null, null, null, null, null));
        assertThat(sentParameters()).isEqualTo(parse("""
                {"programId":17,"hook":"xdp","interface":"veth0","netns":"blue","mode":"generic",
                  "lifetime":"session","pin":"links/xdp"}
                """));
    }

    @Test
    void attachesEveryKindOfHookOnContract() throws Exception {
        answerWith("{\"object\":" + LINK_OBJECT + "}");

        client.attach(AttachRequest.onInterface(17, Hook.TC, "veth0").withDirection(Direction.EGRESS)
                .withFilter(1L, 2L).withLabels(Map.of("app", "demo")));
        client.attach(AttachRequest.cgroup(17, "/sys/fs/cgroup/app").withAttachType("cgroup_inet4_connect"));
        client.attach(AttachRequest.tracepoint(17, "syscalls", "sys_enter_getpid"));
        client.attach(AttachRequest.onFunction(17, Hook.KPROBE, "do_sys_open").withOffset(4L));

        assertThat(sentParameters()).isEqualTo(parse("""
                {"programId":17,"hook":"tc","interface":"veth0","direction":"egress","priority":1,"handle":2,
                  "labels":{"app":"demo"}}
                """));
        assertThat(sentParameters().get("attachType").asText()).isEqualTo("cgroup_inet4_connect");
        assertThat(sentParameters().get("name").asText()).isEqualTo("sys_enter_getpid");
        assertThat(sentParameters().get("offset").asLong()).isEqualTo(4);
    }

    @Test
    void detachesByHandle() throws Exception {
        answerWith("{}");

        client.detach(Kind.ATTACHMENT, 1);

        assertThat(sentParameters()).isEqualTo(parse("{\"kind\":\"attachment\",\"id\":1}"));
    }

    @Test
    void looksUpAKey() throws Exception {
        answerWith("{\"value\":\"0100000001000000\",\"perCpu\":[\"01000000\",\"01000000\"]}");

        assertThat(client.mapLookup(42, "00000000"))
                .contains(new MapValue("0100000001000000", List.of("01000000", "01000000")));
        assertThat(sentParameters()).isEqualTo(parse("{\"id\":42,\"key\":\"00000000\"}"));
    }

    @Test
    void looksUpAMissingKey() throws Exception {
        answerWith("{}");

        assertThat(client.mapLookup(42, "ffffffff")).isEqualTo(Optional.empty());
    }

    @Test
    void updatesAndDeletesKeys() throws Exception {
        answerWith("{}");

        client.mapUpdate(42, "00", "ff", UpdateMode.NOEXIST);
        client.mapUpdate(42, "00", "ff", null);
        client.mapDelete(42, "00");

        assertThat(sentParameters()).isEqualTo(parse("{\"id\":42,\"key\":\"00\",\"value\":\"ff\",\"mode\":\"noexist\"}"));
        assertThat(sentParameters()).isEqualTo(parse("{\"id\":42,\"key\":\"00\",\"value\":\"ff\"}"));
        assertThat(sentParameters()).isEqualTo(parse("{\"id\":42,\"key\":\"00\"}"));
    }

    @Test
    void streamsEntries() throws Exception {
        answerWith("{\"key\":\"00\",\"value\":\"01\"}", "{\"key\":\"01\",\"value\":\"02\"}");

        assertThat(client.mapEntries(42)).containsExactly(new Entry("00", "01"), new Entry("01", "02"));
        assertThat(sentParameters()).isEqualTo(parse("{\"id\":42}"));
    }

    @Test
    void streamsNoEntriesFromAnEmptyMap() throws Exception {
        answerWith("{}");

        assertThat(client.mapEntries(42)).isEmpty();
    }

    @Test
    void updatesABatch() throws Exception {
        answerWith("{\"count\":2}");

        long count = client.mapUpdateBatch(42, List.of(new Entry("00", "01"), new Entry("01", "02")), UpdateMode.ANY);

        assertThat(count).isEqualTo(2);
        assertThat(sentParameters().get("entries")).hasSize(2);
    }

    @Test
    void surfacesInterfaceErrors() throws Exception {
        server = new CannedServer(directory, call -> Answer.replies(
                "{\"error\":\"" + BpfkeeperInterface.NO_SUCH_OBJECT + "\","
                        + "\"parameters\":{\"kind\":\"map\",\"id\":9,\"message\":\"no map 9 is owned\"}}"));
        client = BpfkeeperClient.connect(server.path());

        assertThatThrownBy(() -> client.get(Kind.MAP, 9))
                .isInstanceOfSatisfying(VarlinkCallException.class,
                        e -> assertThat(e.error()).isEqualTo(BpfkeeperInterface.NO_SUCH_OBJECT))
                .hasMessage("io.bpfkeeper.NoSuchObject: no map 9 is owned");
    }
}
