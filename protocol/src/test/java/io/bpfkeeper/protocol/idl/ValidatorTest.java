package io.bpfkeeper.protocol.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Validator VALIDATOR = new Validator(Idl.parse("""
            interface org.example.check
            type Entry (key: string, value: string)
            type Color (red, green)
            method Check(
                count: int,
                ratio: float,
                name: string,
                flag: bool,
                extra: object,
                color: Color,
                entries: []Entry,
                labels: [string]string,
                tags: [string](),
                note: ?string,
                nested: ?(inner: ?[]?int)
            ) -> (ok: bool)
            method Ping() -> ()
            error Failed (reason: string)
            """));

    private static final String VALID_CALL = """
            {"count": 1, "ratio": 0.5, "name": "n", "flag": true, "extra": {"any": [1]},
              "color": "red", "entries": [{"key": "01", "value": "02"}], "labels": {"a": "b"},
              "tags": {"x": {}}, "note": "hi", "nested": {"inner": [1, null]}}
            """;

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    @Test
    void acceptsAValidCall() {
        assertThat(VALIDATOR.validateCall("Check", parse(VALID_CALL))).isEmpty();
    }

    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "ok", textBlock = """
            count   | absent                                  | count
            count   | null                                    | count
            count   | '"1"'                                   | count
            count   | 1.5                                     | count
            count   | 2.0                                     | count
            count   | 9223372036854775807                     | ok
            count   | -9223372036854775808                    | ok
            count   | 9223372036854775808                     | count
            count   | -9223372036854775809                    | count
            ratio   | 1                                       | ok
            ratio   | '"0.5"'                                 | ratio
            name    | 5                                       | name
            flag    | '"true"'                                | flag
            extra   | []                                      | extra
            extra   | '"{}"'                                  | extra
            color   | '"green"'                               | ok
            color   | '"blue"'                                | color
            color   | 0                                       | color
            entries | []                                      | ok
            entries | '{"key": "a", "value": "b"}'             | entries
            entries | '[{"key": "a", "value": "b"}, {"value": "c"}]' | entries[1].key
            entries | '[{"key": "a", "value": "b"}, null]'    | entries[1]
            entries | '[{"key": "a", "value": "b", "x": 1}]'  | entries[0].x
            labels  | '{}'                                    | ok
            labels  | '{"foo": 1}'                            | labels.foo
            labels  | '["foo"]'                               | labels
            tags    | '{"a": {}, "b": {"ignored": 1}}'        | ok
            tags    | '{"a": true}'                           | tags.a
            tags    | '["a"]'                                 | tags
            note    | absent                                  | ok
            note    | null                                    | ok
            note    | 5                                       | note
            nested  | '{}'                                    | ok
            nested  | '{"inner": null}'                       | ok
            nested  | '{"inner": [1, null, "x"]}'             | nested.inner[2]
            nested  | '{"inner": [1], "outer": 2}'            | nested.outer
            bogus   | 1                                       | bogus
            """)
    void reportsThePathOfTheFirstOffendingValue(String field, String value, String path) {
        ObjectNode call = parse(VALID_CALL);
        if (value.equals("absent")) {
            call.remove(field);
        } else {
            call.set(field, parse("{\"v\": " + value + "}").get("v"));
        }

        assertThat(VALIDATOR.validateCall("Check", call).orElse(null)).isEqualTo(path);
    }

    @Test
    void checksDeclaredFieldsInOrderBeforeUnknownOnes() {
        ObjectNode call = parse("{\"bogus\": 1}");
        call.setAll(parse(VALID_CALL));
        call.put("name", 5);
        call.put("count", "x");

        assertThat(VALIDATOR.validateCall("Check", call)).contains("count");
    }

    @Test
    void missingParametersMeanAnEmptyObject() {
        assertThat(VALIDATOR.validateCall("Ping", null)).isEmpty();
        assertThat(VALIDATOR.validateCall("Ping", JSON.nullNode())).isEmpty();
        assertThat(VALIDATOR.validateCall("Check", null)).contains("count");
    }

    @Test
    void parametersThatAreNotAnObjectAreTheEmptyPath() {
        assertThat(VALIDATOR.validateCall("Ping", JSON.createArrayNode())).contains("");
    }

    @Test
    void checksRepliesAndErrors() {
        assertThat(VALIDATOR.validateReply("Check", parse("{\"ok\": true}"))).isEmpty();
        assertThat(VALIDATOR.validateReply("Check", parse("{\"ok\": true, \"more\": 1}"))).contains("more");
        assertThat(VALIDATOR.validateReply("Ping", parse("{}"))).isEmpty();
        assertThat(VALIDATOR.validateError("Failed", parse("{}"))).contains("reason");
        assertThat(VALIDATOR.validateError("Failed", parse("{\"reason\": \"r\"}"))).isEmpty();
    }

    @Test
    void rejectsUndeclaredNames() {
        assertThatThrownBy(() -> VALIDATOR.validateCall("Nope", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface org.example.check has no method 'Nope'");
        assertThatThrownBy(() -> VALIDATOR.validateError("Check", null))
                .hasMessage("interface org.example.check has no error 'Check'");
    }

    @Test
    void handlesAHundredThousandEntries() {
        ObjectNode call = parse(VALID_CALL);
        ArrayNode entries = call.putArray("entries");
        for (int i = 0; i < 100_000; i++) {
            entries.addObject().put("key", Integer.toHexString(i)).put("value", "00");
        }

        assertThat(VALIDATOR.validateCall("Check", call)).isEmpty();

        ((ObjectNode) entries.get(99_999)).put("value", 0);
        assertThat(VALIDATOR.validateCall("Check", call)).contains("entries[99999].value");
    }

    @Test
    void resolvesRecursiveTypes() {
        Validator validator = new Validator(Idl.parse("""
                interface org.example.tree
                type Node (name: string, children: []Node)
                method Put(root: Node) -> ()
                """));
        JsonNode tree = parse("""
                {"root": {"name": "a", "children": [
                    {"name": "b", "children": []},
                    {"name": "c", "children": [{"name": 1, "children": []}]}]}}
                """);

        assertThat(validator.validateCall("Put", tree)).contains("root.children[1].children[0].name");
    }
}
