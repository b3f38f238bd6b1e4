package io.bpfkeeper.protocol.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.idl.EnumType;
import io.bpfkeeper.protocol.idl.Validator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireTypesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Validator CONTRACT = new Validator(BpfkeeperInterface.definition());

    private static final BpfObject MAP = new BpfObject(
            Kind.MAP, 42, "counters", "hash", Lifetime.DAEMON, new Owner(1000, 1000, 4242),
            List.of("/sys/fs/bpf/counters"), Map.of("app", "demo"), "2025-01-02T03:04:05Z",
            new MapProperties(4, 8, 1024, 1), null);

    @ParameterizedTest
    @ValueSource(classes = {Kind.class, Lifetime.class, UpdateMode.class, HolderType.class, Hook.class,
            Direction.class, XdpMode.class})
    void enumsSpellTheIdlValues(Class<? extends Enum<?>> type) {
        EnumType idl = (EnumType) BpfkeeperInterface.definition().types()
                .get(type.getSimpleName()).type();
        Object[] wireNames = Arrays.stream(type.getEnumConstants())
                .map(constant -> JSON.valueToTree(constant).textValue())
                .toArray();

        assertThat(wireNames).containsExactlyElementsOf(idl.values());
    }

    @Test
    void writesAnObjectOnContract() {
        JsonNode written = JSON.valueToTree(MAP);

        assertThat(written.has("program")).isFalse();
        assertThat(written.get("kind").textValue()).isEqualTo("map");
        assertThat(CONTRACT.validateReply("Get", JSON.createObjectNode().set("object", written))).isEmpty();
    }

    @Test
    void readsWhatItWritesAndIgnoresFieldsItDoesNotKnow() throws JsonProcessingException {
        String json = """
                {"kind": "program", "id": 17, "name": "drop", "type": "xdp", "lifetime": "session",
                  "owner": {"uid": 0, "gid": 0, "pid": 1, "cgroup": "/"},
                  "pins": [], "labels": {}, "createdAt": "2025-01-02T03:04:05Z",
                  "program": {"tag": "0123456789abcdef", "mapIds": [42], "jited": true},
                  "addedLater": {"x": 1}}
                """;

        BpfObject program = JSON.readValue(json, BpfObject.class);

        assertThat(program.kind()).isEqualTo(Kind.PROGRAM);
        assertThat(program.lifetime()).isEqualTo(Lifetime.SESSION);
        assertThat(program.owner()).isEqualTo(new Owner(0, 0, 1));
        assertThat(program.program()).isEqualTo(new ProgramProperties("0123456789abcdef", List.of(42L)));
        assertThat(program.map()).isNull();
        assertThat(JSON.readValue(JSON.writeValueAsString(MAP), BpfObject.class)).isEqualTo(MAP);
    }

    @Test
    void writesAnAttachmentWithItsTargetOnContract() {
        BpfObject attachment = new BpfObject(Kind.ATTACHMENT, 1, "tc_count", "tc", Lifetime.DAEMON,
                new Owner(0, 0, 1), List.of(), Map.of(), "2025-01-02T03:04:05Z", null, null, null,
                new AttachmentProperties(Hook.TC, 17, new AttachTarget("veth0", "/proc/42/ns/net", Direction.INGRESS,
                        null, 1L, 1L, null, null, null, null, null, null), "the kernel's tc subsystem"), null);

        JsonNode written = JSON.valueToTree(attachment);

        assertThat(written.at("/attachment/target/interface").textValue()).isEqualTo("veth0");
        assertThat(written.at("/attachment/target").has("mode")).isFalse();
        assertThat(CONTRACT.validateReply("Attach", JSON.createObjectNode().set("object", written))).isEmpty();
    }

    @Test
    void writesEntriesAsKeyAndValue() {
        assertThat(JSON.valueToTree(new Entry("01", "ff")).toString())
                .isEqualTo("{\"key\":\"01\",\"value\":\"ff\"}");
    }

    @Test
    void writesAnExplanationOnContract() {
        Explanation explanation = new Explanation(false, List.of(
                new Holder(HolderType.PROCESS, "process 812 (agent) holds fd 7", 812L, "agent", 7L, null, null, null),
                new Holder(HolderType.PIN, "pinned at /sys/fs/bpf/x", null, null, null, "/sys/fs/bpf/x", null, null)),
                "stays alive while any of: ...");

        JsonNode written = JSON.valueToTree(explanation);

        assertThat(written.get("holders").get(1).has("pid")).isFalse();
        assertThat(CONTRACT.validateReply("Explain", written)).isEmpty();
    }

    @Test
    void writesASystemObjectOnContract() {
        SystemObject link = new SystemObject(Kind.LINK, 5, "", "cgroup", false, null, null, null, null, 17L,
                "cgroup 1234 cgroup_inet_ingress");

        JsonNode written = JSON.valueToTree(link);

        assertThat(written.has("owner")).isFalse();
        assertThat(CONTRACT.validateReply("ListAll", JSON.createObjectNode().set("object", written))).isEmpty();
    }
}
