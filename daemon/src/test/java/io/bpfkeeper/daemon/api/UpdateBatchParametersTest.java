package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.idl.Validator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MapUpdateBatch's parameter reader takes the place of the IDL check, so it must refuse exactly
 * what the Validator refuses, naming the same parameter. Every case goes through both: the reader
 * once from the message's parser and once from a parser over its tree, as the decoder runs it.
 */
class UpdateBatchParametersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Validator VALIDATOR = new Validator(BpfkeeperInterface.definition());
    private static final String VALID = "{'id': 7, 'entries': [{'key': '01000000', 'value': '0100000000000000'},"
            + " {'key': '02000000', 'value': '0200000000000000'}, {'key': '03000000', 'value': '03'}],"
            + " 'mode': 'noexist'}";

    /** What {@link #replace} puts in a place to remove what is there. */
    private static final String ABSENT = "absent";
    /** The places a fault can be, as paths into {@link #VALID}. */
    private static final List<String> PLACES =
            List.of("id", "entries", "mode", "entries[1]", "entries[1].key", "entries[1].value");
    /** What a place can hold instead; ABSENT removes it. */
    private static final List<String> REPLACEMENTS = List.of(ABSENT, "null", "true", "12", "-3", "1.5", "1e3",
            "99999999999999999999", "'text'", "'any'", "'exist'", "'ANY'", "'00'", "'zz'", "''", "[]", "[1]", "{}",
            "{'key': '00', 'value': '00'}", "[{'key': '00', 'value': '00'}]");
    /** The kinds of fault, one of each type, for the cases that put faults in two places at once. */
    private static final List<String> FEW_REPLACEMENTS = List.of(ABSENT, "null", "12", "'text'", "{}", "[]");

    @Test
    void theValidCallIsReadWithEveryEntry() throws Exception {
        UpdateBatchParameters read = readFromTheMessage(VALID);

        assertThat(read.id()).isEqualTo(7);
        assertThat(read.mode()).isEqualTo("noexist");
        assertThat(read.keys().count()).isEqualTo(3);
        assertThat(read.keys().joined()).isEqualTo(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0});
        assertThat(read.values().length(2)).isEqualTo(1);
        assertThat(read.values().bytes()[read.values().start(1)]).isEqualTo((byte) 2);
    }

    @Test
    void aMissingOrNullModeIsAny() throws Exception {
        assertThat(readFromTheMessage("{'id': 1, 'entries': []}").mode()).isEqualTo("any");
        assertThat(readFromTheMessage("{'id': 1, 'entries': [], 'mode': null}").mode()).isEqualTo("any");
    }

    /** Hex that is not hex is the handler's to refuse, with the map's sizes in its message. */
    @Test
    void keysAndValuesThatAreNoHexAreReadAsSuch() throws Exception {
        UpdateBatchParameters read = readFromTheMessage(
                "{'id': 1, 'entries': [{'key': '0g', 'value': 'ABcd'}, {'key': '123', 'value': ''}]}");

        assertThat(read.keys().length(0)).isEqualTo(-1);
        assertThat(read.keys().length(1)).isEqualTo(-1);
        assertThat(read.values().length(0)).isEqualTo(2);
        assertThat(read.values().bytes()[read.values().start(0) + 1]).isEqualTo((byte) 0xcd);
        assertThat(read.values().length(1)).isZero();
    }

    @Test
    void everyFaultInOnePlaceIsNamedAsTheValidatorNamesIt() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (String place : PLACES) {
            for (String replacement : REPLACEMENTS) {
                ObjectNode parameters = valid();
                replace(parameters, place, replacement);
                assertAgrees(softly, parameters);
            }
        }
        softly.assertAll();
    }

    /** The Validator names the first fault in declaration order, wherever each stands in the message. */
    @Test
    void ofTwoFaultsTheOneNamedIsTheValidatorsInEitherOrderOfFields() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (String first : PLACES) {
            for (String second : PLACES) {
                if (first.equals(second)) {
                    continue;
                }
                for (String firstReplacement : FEW_REPLACEMENTS) {
                    for (String secondReplacement : FEW_REPLACEMENTS) {
                        ObjectNode parameters = valid();
                        replace(parameters, first, firstReplacement);
                        replace(parameters, second, secondReplacement);
                        parameters.put("colour", "unknown");
                        assertAgrees(softly, parameters);
                        assertAgrees(softly, reversed(parameters));
                    }
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void unknownFieldsAreNamedAfterTheDeclaredOnes() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (Consumer<ObjectNode> unknown : List.<Consumer<ObjectNode>>of(
                parameters -> parameters.put("colour", 1),
                parameters -> parameters.putNull("colour"),
                parameters -> parameters.putObject("nested").putArray("deeper").addObject().put("id", 1),
                parameters -> entry(parameters, 2).put("colour", "red"),
                parameters -> entry(parameters, 0).putArray("colour").add(1),
                parameters -> {
                    parameters.put("colour", 1);
                    entry(parameters, 1).put("shade", 2);
                },
                parameters -> {
                    parameters.put("mode", "sometimes");
                    parameters.put("colour", 1);
                })) {
            ObjectNode parameters = valid();
            unknown.accept(parameters);
            assertAgrees(softly, parameters);
            assertAgrees(softly, reversed(parameters));
        }
        softly.assertAll();
    }

    /**
     * Messages a tree cannot spell: a field given twice counts with its last value in a tree, and
     * so it does in the reader.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{'id': 'x', 'id': 1, 'entries': []}",
        "{'id': 1, 'id': 'x', 'entries': []}",
        "{'id': 1, 'entries': 1, 'entries': []}",
        "{'id': 1, 'entries': [{'key': '00', 'value': '00'}], 'entries': [1]}",
        "{'id': 1, 'entries': [{'key': '00', 'value': '00'}], 'entries': [{'key': '0000', 'value': '01'}]}",
        "{'id': 1, 'entries': [{'key': 1, 'key': '00', 'value': '00'}]}",
        "{'id': 1, 'entries': [{'key': '00', 'value': '00', 'key': 1}]}",
        "{'id': 1, 'entries': [{'key': '00', 'value': '00', 'value': '0102', 'key': 'aa'}]}",
        "{'id': 1, 'entries': [], 'mode': 'any', 'mode': 'sometimes'}",
        "{'id': 1, 'entries': [], 'mode': 'sometimes', 'mode': null}",
        "{'colour': 1, 'id': 1, 'entries': [], 'shade': 2, 'colour': 3}",
        "{'id': 1, 'entries': [{'key': '00', 'value': '00', 'colour': 1, 'shade': 1, 'colour': 2}]}",
    })
    void fieldsGivenTwiceCountWithTheirLastValue(String singleQuoted) throws Exception {
        String message = singleQuoted.replace('\'', '"');
        Optional<String> validator = VALIDATOR.validateCall("MapUpdateBatch", JSON.readTree(message));

        assertThat(faultReadFrom(JSON.getFactory().createParser(message))).isEqualTo(validator);
        assertThat(faultReadFrom(JSON.readTree(message).traverse(JSON))).isEqualTo(validator);
        if (validator.isEmpty()) {
            UpdateBatchParameters read = readFromTheMessage(singleQuoted);
            ArrayNode entries = (ArrayNode) JSON.readTree(message).get("entries");
            assertThat(read.keys().count()).isEqualTo(entries.size());
            assertThat(read.values().count()).isEqualTo(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                assertThat(read.keys().length(i)).isEqualTo(Hex.decode(entries.get(i).get("key").asText()).length);
                assertThat(read.values().length(i)).isEqualTo(Hex.decode(entries.get(i).get("value").asText()).length);
            }
        }
    }

    private static void assertAgrees(SoftAssertions softly, ObjectNode parameters) throws IOException {
        Optional<String> validator = VALIDATOR.validateCall("MapUpdateBatch", parameters);
        String message = parameters.toString();
        softly.assertThat(faultReadFrom(JSON.getFactory().createParser(message)))
                .as("the reader of the message %s", message).isEqualTo(validator);
        softly.assertThat(faultReadFrom(parameters.traverse(JSON)))
                .as("the reader of the tree of %s", message).isEqualTo(validator);
    }

    /** The path the reader refuses the parameters with, after checking that it read them to their end. */
    private static Optional<String> faultReadFrom(JsonParser parser) throws IOException {
        assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        Optional<String> fault;
        try {
            UpdateBatchParameters.read(parser);
            fault = Optional.empty();
        } catch (VarlinkError refused) {
            fault = Optional.of(refused.parameters().get("parameter").asText());
        }
        assertThat(parser.currentToken()).as("where the reader left the parser").isEqualTo(JsonToken.END_OBJECT);
        assertThat(parser.nextToken()).as("what follows the parameters").isNull();
        return fault;
    }

    private static UpdateBatchParameters readFromTheMessage(String singleQuoted) throws Exception {
        JsonParser parser = JSON.getFactory().createParser(singleQuoted.replace('\'', '"'));
        parser.nextToken();
        return UpdateBatchParameters.read(parser);
    }

    private static ObjectNode valid() throws IOException {
        return (ObjectNode) JSON.readTree(VALID.replace('\'', '"'));
    }

    /** Entry {@code index}, if the entries are an array and it is an object in it. */
    private static ObjectNode entry(ObjectNode parameters, int index) {
        JsonNode entries = parameters.get("entries");
        JsonNode entry = entries != null && entries.isArray() ? entries.get(index) : null;
        return entry != null && entry.isObject() ? (ObjectNode) entry : null;
    }

    /**
     * Puts {@code replacement} at {@code place}, such as entries[1].key, or removes what is there;
     * nothing where an earlier replacement took the place away.
     */
    private static void replace(ObjectNode parameters, String place, String replacement) throws IOException {
        JsonNode value = replacement.equals(ABSENT) ? null : JSON.readTree(replacement.replace('\'', '"'));
        if (place.equals("entries[1]")) {
            if (!(parameters.get("entries") instanceof ArrayNode entries) || entries.size() < 2) {
                return;
            }
            if (value == null) {
                entries.remove(1);
            } else {
                entries.set(1, value);
            }
            return;
        }
        int dot = place.lastIndexOf('.');
        ObjectNode parent = dot < 0 ? parameters : entry(parameters, 1);
        if (parent == null) {
            return;
        }
        String field = place.substring(dot + 1);
        if (value == null) {
            parent.remove(field);
        } else {
            parent.set(field, value);
        }
    }

    /** The same parameters with the fields of every object in reverse order. */
    private static ObjectNode reversed(ObjectNode parameters) {
        return (ObjectNode) reversedNode(parameters);
    }

    private static JsonNode reversedNode(JsonNode node) {
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(element -> array.add(reversedNode(element)));
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            fields.add(it.next());
        }
        ObjectNode object = JSON.createObjectNode();
        for (int i = fields.size() - 1; i >= 0; i--) {
            object.set(fields.get(i).getKey(), reversedNode(fields.get(i).getValue()));
        }
        return object;
    }
}
