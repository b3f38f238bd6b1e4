package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parameters of {@code MapUpdateBatch(id: int, entries: []Entry, mode: ?UpdateMode)}, read
 * straight from JSON, with every entry's key and value decoded from hex as it is read: a batch of
 * 100,000 entries as a JSON tree was 60 MB of garbage and two walks over it.
 *
 * <p>{@link #read} refuses what the IDL's Validator refuses, naming the same parameter: declared
 * fields in declaration order ({@code id}, then {@code entries}, each entry's {@code key}, then
 * {@code value}, then its first unknown field, then {@code mode}), then the first unknown field.
 * As in a JSON tree, a field given twice counts with its last value. Hex that is not hex, or not
 * of the map's sizes, is for the handler to refuse, as it does for MapUpdate.
 *
 * @param mode the update mode's IDL name; "any" when the call gave none
 * @param keys the entries' keys, one string each, in order
 * @param values the entries' values, one string each, in order
 */
record UpdateBatchParameters(long id, String mode, HexColumn keys, HexColumn values) {

    private static final Set<String> MODES =
            Arrays.stream(UpdateMode.values()).map(UpdateMode::wireName).collect(Collectors.toUnmodifiableSet());

    /** The {@link io.bpfkeeper.daemon.varlink.ParameterReader} of MapUpdateBatch. */
    static UpdateBatchParameters read(JsonParser parser) throws IOException, VarlinkError {
        return new Reading(parser).read();
    }

    /** One read: each field as it comes, its last value counting, and the faults found. */
    private static final class Reading {

        private final JsonParser parser;
        private final HexColumn keys = new HexColumn();
        private final HexColumn values = new HexColumn();
        /** Bound once, not once per entry. */
        private final FieldReader entryFieldReader = this::entryField;
        private boolean idValid;
        private long id;
        /** The path of the first fault in the entries; null when they are all Entries. */
        private String entriesFault = "entries";
        private boolean modeValid = true;
        private String mode = UpdateMode.ANY.wireName();
        /** Of the entry being read. */
        private int entryIndex;
        private boolean entryHasKey;
        private boolean entryHasValue;

        Reading(JsonParser parser) {
            this.parser = parser;
        }

        UpdateBatchParameters read() throws IOException, VarlinkError {
            String unknownField = readFields(this::parameter);
            String fault = !idValid ? "id" : entriesFault != null ? entriesFault : !modeValid ? "mode" : unknownField;
            if (fault != null) {
                throw VarlinkError.invalidParameter(fault);
            }
            return new UpdateBatchParameters(id, mode, keys, values);
        }

        private boolean parameter(String field, JsonToken value) throws IOException {
            switch (field) {
                case "id":
                    // An int is what fits a long: the Validator's canConvertToLong.
                    idValid = value == JsonToken.VALUE_NUMBER_INT
                            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
                    id = idValid ? parser.getLongValue() : 0;
                    return true;
                case "entries":
                    entriesFault = readEntries();
                    return true;
                case "mode":
                    mode = value == JsonToken.VALUE_STRING ? parser.getText() : UpdateMode.ANY.wireName();
                    modeValid = value == JsonToken.VALUE_NULL || value == JsonToken.VALUE_STRING && MODES.contains(mode);
                    return true;
                default:
                    return false;
            }
        }

        /**
         * Reads the value of "entries", leaving an array at its end and anything else where it is.
         *
         * @return the path of the first fault, or null when every entry is an Entry
         */
        private String readEntries() throws IOException {
            keys.truncate(0);
            values.truncate(0);
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                return "entries";
            }
            for (entryIndex = 0; parser.nextToken() != JsonToken.END_ARRAY; entryIndex++) {
                String fault = readEntry();
                if (fault != null) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                    }
                    return "entries[" + entryIndex + "]" + fault;
                }
            }
            return null;
        }

        /**
         * Reads entry {@link #entryIndex}, leaving the parser at its end.
         *
         * @return the rest of the path of its fault: "" when it is no object, ".key" and so on;
         *     null when it is an Entry
         */
        private String readEntry() throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return "";
            }
            entryHasKey = false;
            entryHasValue = false;
            String unknownField = readFields(entryFieldReader);
            return !entryHasKey ? ".key" : !entryHasValue ? ".value" : unknownField != null ? "." + unknownField : null;
        }

        private boolean entryField(String field, JsonToken value) throws IOException {
            switch (field) {
                case "key":
                    entryHasKey = readHex(value, keys);
                    return true;
                case "value":
                    entryHasValue = readHex(value, values);
                    return true;
                default:
                    return false;
            }
        }

        /**
         * Decodes a string as the entry's, in place of one the entry gave before.
         *
         * @return false when the value is not a string
         */
        private boolean readHex(JsonToken value, HexColumn column) throws IOException {
            column.truncate(entryIndex);
            if (value != JsonToken.VALUE_STRING) {
                return false;
            }
            column.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            return true;
        }

        /**
         * Reads the fields of the object the parser is at the start of, through to its end.
         *
         * @return the first field that {@code reader} does not know, or null
         */
        private String readFields(FieldReader reader) throws IOException {
            String unknownField = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (!reader.read(field, parser.nextToken()) && unknownField == null) {
                    unknownField = field;
                }
                // Past an object or array where none belongs, or an unknown field's.
                parser.skipChildren();
            }
            return unknownField;
        }
    }

    /** Reads the value of one field of an object, with the parser at its first token. */
    @FunctionalInterface
    private interface FieldReader {

        /** @return false when the field is not one the object declares */
        boolean read(String field, JsonToken value) throws IOException;
    }
}
