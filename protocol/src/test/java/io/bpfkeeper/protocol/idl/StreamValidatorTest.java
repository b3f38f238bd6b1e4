package io.bpfkeeper.protocol.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The StreamValidator refuses what the Validator refuses, and names the same path, for every method
 * of the interface: a call whose every field is of its type, and that call with each value in it,
 * at any depth, replaced by one of each JSON type or taken away.
 */
class StreamValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final InterfaceDefinition DEFINITION = BpfkeeperInterface.definition();
    private static final Validator VALIDATOR = new Validator(DEFINITION);
    private static final List<String> REPLACEMENTS =
            List.of("null", "true", "12", "-1.5", "99999999999999999999", "'text'", "'xdp'", "[]", "[1]", "{}",
                    "{'a': {}}");

    @Test
    void agreesWithTheValidatorOnEveryMethod() throws IOException {
        SoftAssertions softly = new SoftAssertions();
        for (MethodDefinition method : DEFINITION.methods().values()) {
            StreamValidator<Void> stream = new StreamValidator<>(DEFINITION, method.name(), Map.of());
            ObjectNode valid = (ObjectNode) sample(method.input(), 0);
            assertAgrees(softly, method.name(), stream, valid);
            List<Consumer<JsonNode>> changes = new ArrayList<>();
            places(valid, changes);
            for (int change = 0; change < changes.size(); change++) {
                ObjectNode changed = valid.deepCopy();
                placesOf(changed).get(change).accept(null);
                assertAgrees(softly, method.name(), stream, changed);
                for (String replacement : REPLACEMENTS) {
                    changed = valid.deepCopy();
                    placesOf(changed).get(change).accept(JSON.readTree(replacement.replace('\'', '"')));
                    assertAgrees(softly, method.name(), stream, changed);
                }
            }
            ObjectNode unknown = valid.deepCopy();
            unknown.put("colour", 1);
            assertAgrees(softly, method.name(), stream, unknown);
        }
        softly.assertAll();
    }

    @Test
    void sinksSeeTheValuesOfTheirPathsAndOnlyThose() throws IOException {
        List<String> seen = new ArrayList<>();
        StreamValidator<List<String>> stream = new StreamValidator<>(DEFINITION, "MapUpdateBatch", Map.of(
                "id", (into, parser, index) -> into.add("id " + parser.getLongValue()),
                "entries[].value", (into, parser, index) -> into.add(index + " " + parser.getText()),
                "mode", (into, parser, index) -> into.add("mode " + parser.getText())));
        String message = "{'mode': 'exist', 'entries': [{'key': '01', 'value': 'aa'}, {'value': 'bb', 'key': '02'}],"
                + " 'id': 'x', 'id': 7}";

        Optional<String> fault = stream.read(parserAtStart(JSON.getFactory().createParser(message.replace('\'', '"'))),
                seen);

        assertThat(fault).isEmpty();
        assertThat(seen).containsExactly("mode exist", "0 aa", "1 bb", "id 7");
    }

    @Test
    void aSinkOnAPathThatTheMethodDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> new StreamValidator<Void>(DEFINITION, "MapUpdateBatch",
                Map.of("entries[].colour", (into, parser, index) -> { })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entries[].colour");
    }

    private static void assertAgrees(SoftAssertions softly, String method, StreamValidator<Void> stream,
            ObjectNode parameters) throws IOException {
        Optional<String> validator = VALIDATOR.validateCall(method, parameters);
        String message = parameters.toString();
        JsonParser parser = parserAtStart(JSON.getFactory().createParser(message));
        softly.assertThat(stream.read(parser, null)).as("%s(%s)", method, message).isEqualTo(validator);
        softly.assertThat(parser.currentToken()).as("where %s(%s) left the parser", method, message)
                .isEqualTo(JsonToken.END_OBJECT);
    }

    private static JsonParser parserAtStart(JsonParser parser) throws IOException {
        parser.nextToken();
        return parser;
    }

    /** A value of the type, with every field given, two elements in an array and one key in a dict. */
    private static JsonNode sample(VarlinkType type, int depth) {
        if (type instanceof ScalarType scalar) {
            return switch (scalar) {
                case BOOL -> NODES.booleanNode(true);
                case INT -> NODES.numberNode(1);
                case FLOAT -> NODES.numberNode(1.5);
                case STRING -> NODES.textNode("s");
                case OBJECT -> NODES.objectNode();
            };
        } else if (type instanceof NullableType nullable) {
            return sample(nullable.inner(), depth);
        } else if (type instanceof StructType struct) {
            ObjectNode object = NODES.objectNode();
            struct.fields().forEach((name, field) -> object.set(name, sample(field, depth + 1)));
            return object;
        } else if (type instanceof ArrayType array) {
            ArrayNode elements = NODES.arrayNode();
            if (depth < 6) {
                elements.add(sample(array.element(), depth + 1));
                elements.add(sample(array.element(), depth + 1));
            }
            return elements;
        } else if (type instanceof DictType dict) {
            ObjectNode object = NODES.objectNode();
            if (depth < 6) {
                object.set("k", sample(dict.value(), depth + 1));
            }
            return object;
        } else if (type instanceof SetType) {
            ObjectNode object = NODES.objectNode();
            object.putObject("member");
            return object;
        } else if (type instanceof EnumType enumType) {
            return NODES.textNode(enumType.values().iterator().next());
        }
        return sample(DEFINITION.types().get(((NamedType) type).name()).type(), depth);
    }

    private static List<Consumer<JsonNode>> placesOf(JsonNode root) {
        List<Consumer<JsonNode>> places = new ArrayList<>();
        places(root, places);
        return places;
    }

    /** Each value under {@code node}, depth first, as what puts another in its place, or takes it away for null. */
    private static void places(JsonNode node, List<Consumer<JsonNode>> places) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                places.add(value -> {
                    if (value == null) {
                        object.remove(name);
                    } else {
                        object.set(name, value);
                    }
                });
                places(object.get(name), places);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                places.add(value -> {
                    if (value == null) {
                        array.remove(index);
                    } else {
                        array.set(index, value);
                    }
                });
                places(array.get(i), places);
            }
        }
    }
}
