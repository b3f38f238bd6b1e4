package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.core.JsonParser;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.io.IOException;
import java.util.Map;

/**
 * The parameters of {@code MapUpdateBatch(id: int, entries: []Entry, mode: ?UpdateMode)}, read
 * straight from JSON, with every entry's key and value decoded from hex as it is read: a batch of
 * 100,000 entries as a JSON tree was 60 MB of garbage and two walks over it. Hex that is not hex,
 * or not of the map's sizes, is for the handler to refuse, as it does for MapUpdate.
 *
 * @param mode the update mode's IDL name; "any" when the call gave none
 * @param keys the entries' keys, one string each, in order
 * @param values the entries' values, one string each, in order
 */
record UpdateBatchParameters(long id, String mode, HexColumn keys, HexColumn values) {

    /** A field given twice counts with its last value, as in a tree. */
    private static final FieldTable<Fields, UpdateBatchParameters> FIELDS = new FieldTable<>("MapUpdateBatch",
            Fields::new, Map.of(
                    "id", (fields, parser, index) -> fields.id = parser.getLongValue(),
                    "entries", (fields, parser, index) -> {
                        fields.keys.truncate(0);
                        fields.values.truncate(0);
                    },
                    "entries[].key", (fields, parser, index) -> addHex(parser, index, fields.keys),
                    "entries[].value", (fields, parser, index) -> addHex(parser, index, fields.values),
                    "mode", (fields, parser, index) -> fields.mode = MapCalls.mode(parser)),
            fields -> new UpdateBatchParameters(fields.id, fields.mode, fields.keys, fields.values));

    /** The {@link io.bpfkeeper.daemon.varlink.ParameterReader} of MapUpdateBatch. */
    static UpdateBatchParameters read(JsonParser parser) throws IOException, VarlinkError {
        return FIELDS.read(parser);
    }

    private static final class Fields {
        private long id;
        private String mode = UpdateMode.ANY.wireName();
        private final HexColumn keys = new HexColumn();
        private final HexColumn values = new HexColumn();
    }

    /** Decodes a string as entry {@code index}'s, in place of one the entry gave before. */
    private static void addHex(JsonParser parser, int index, HexColumn column) throws IOException {
        column.truncate(index);
        column.add(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }
}
