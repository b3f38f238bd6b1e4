package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bpfkeeper.protocol.idl.StreamValidator;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.io.IOException;
import java.util.Map;

/**
 * The parameters of the map data methods that take one key or none, as typed records, each read
 * through its method's {@link FieldTable}. MapUpdateBatch's are {@link UpdateBatchParameters}.
 */
final class MapCalls {

    private MapCalls() {
    }

    /** {@code MapLookup(id: int, key: string)} and {@code MapDelete(id: int, key: string)}. */
    record KeyOf(long id, String key) {
    }

    /** {@code MapUpdate(id: int, key: string, value: string, mode: ?UpdateMode)}. */
    record Update(long id, String key, String value, String mode) {
    }

    /** {@code MapEntries(id: int)}. */
    record EntriesOf(long id) {
    }

    private static final StreamValidator.Sink<Fields> ID = (fields, parser, index) -> fields.id = parser.getLongValue();
    private static final StreamValidator.Sink<Fields> KEY = (fields, parser, index) -> fields.key = parser.getText();

    static final FieldTable<Fields, KeyOf> LOOKUP = keyOf("MapLookup");
    static final FieldTable<Fields, KeyOf> DELETE = keyOf("MapDelete");
    static final FieldTable<Fields, Update> UPDATE = new FieldTable<>("MapUpdate", Fields::new, Map.of(
            "id", ID,
            "key", KEY,
            "value", (fields, parser, index) -> fields.value = parser.getText(),
            "mode", (fields, parser, index) -> fields.mode = mode(parser)),
            fields -> new Update(fields.id, fields.key, fields.value, fields.mode));
    static final FieldTable<Fields, EntriesOf> ENTRIES = new FieldTable<>("MapEntries", Fields::new, Map.of("id", ID),
            fields -> new EntriesOf(fields.id));

    private static FieldTable<Fields, KeyOf> keyOf(String method) {
        return new FieldTable<>(method, Fields::new, Map.of("id", ID, "key", KEY),
                fields -> new KeyOf(fields.id, fields.key));
    }

    /** An UpdateMode's IDL name: "any" for null, as for a mode the call did not give. */
    static String mode(JsonParser parser) throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? UpdateMode.ANY.wireName() : parser.getText();
    }

    /** What one call has given so far: each field, its last value counting. */
    private static final class Fields {
        private long id;
        private String key;
        private String value;
        private String mode = UpdateMode.ANY.wireName();
    }
}
