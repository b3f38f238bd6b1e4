package io.bpfkeeper.protocol.idl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a JSON object against a struct: declared fields in declaration
 * order, then whether any field is unknown. Absent fields are allowed only for
 * nullable types, as the Varlink rules for evolving an interface require.
 */
final class StructCheck implements Check {
    private final String[] names;
    private final Check[] checks;
    private final boolean[] optional;

    /** @param compiled the check for each field of {@code struct} */
    StructCheck(StructType struct, Map<String, Check> compiled) {
        int size = struct.fields().size();
        names = struct.fields().keySet().toArray(new String[0]);
        checks = new Check[size];
        optional = new boolean[size];
        for (int i = 0; i < size; i++) {
            checks[i] = compiled.get(names[i]);
            optional[i] = struct.fields().get(names[i]) instanceof NullableType;
        }
    }

    @Override
    public boolean test(JsonNode node, Deque<String> path) {
        if (!node.isObject()) {
            return false;
        }
        int present = 0;
        for (int i = 0; i < names.length; i++) {
            JsonNode value = node.get(names[i]);
            if (value == null ? !optional[i] : !checks[i].test(value, path)) {
                path.addFirst("." + names[i]);
                return false;
            }
            if (value != null) {
                present++;
            }
        }
        if (present < node.size()) {
            path.addFirst("." + firstUnknownField(node));
            return false;
        }
        return true;
    }

    private String firstUnknownField(JsonNode node) {
        Iterator<String> fieldNames = node.fieldNames();
        while (true) {
            String name = fieldNames.next();
            if (!isDeclared(name)) {
                return name;
            }
        }
    }

    private boolean isDeclared(String name) {
        for (String declared : names) {
            if (declared.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
