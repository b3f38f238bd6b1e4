package io.bpfkeeper.protocol.idl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns the types of one interface into {@link Check}s, so that checking a
 * value does not dispatch on the model or look names up per node.
 */
final class CheckCompiler {
    private static final Check BOOL = (node, path) -> node.isBoolean();
    private static final Check INT = (node, path) -> node.isIntegralNumber() && node.canConvertToLong();
    private static final Check FLOAT = (node, path) -> node.isNumber();
    private static final Check STRING = (node, path) -> node.isTextual();
    private static final Check OBJECT = (node, path) -> node.isObject();

    /** Filled in after every named type has one, so that types may refer to themselves. */
    private static final class Forward implements Check {
        private Check target;

        @Override
        public boolean test(JsonNode node, Deque<String> path) {
            return target.test(node, path);
        }
    }

    private final Map<String, Forward> namedTypes = new HashMap<>();

    CheckCompiler(InterfaceDefinition definition) {
        definition.types().keySet().forEach(name -> namedTypes.put(name, new Forward()));
        definition.types().values()
                .forEach(type -> namedTypes.get(type.name()).target = compile(type.type()));
    }

    StructCheck compile(StructType struct) {
        Map<String, Check> fields = new HashMap<>();
        struct.fields().forEach((name, type) -> fields.put(name, compile(type)));
        return new StructCheck(struct, fields);
    }

    private Check compile(VarlinkType type) {
        if (type instanceof ScalarType scalar) {
            return compile(scalar);
        } else if (type instanceof NullableType nullable) {
            Check inner = compile(nullable.inner());
            return (node, path) -> node.isNull() || inner.test(node, path);
        } else if (type instanceof StructType struct) {
            return compile(struct);
        } else if (type instanceof ArrayType array) {
            Check element = compile(array.element());
            return (node, path) -> isValidArray(element, node, path);
        } else if (type instanceof DictType dict) {
            Check value = compile(dict.value());
            return (node, path) -> isValidDict(value, node, path);
        } else if (type instanceof SetType) {
            return (node, path) -> isValidDict(OBJECT, node, path);
        } else if (type instanceof EnumType enumType) {
            Set<String> values = new HashSet<>(enumType.values());
            return (node, path) -> node.isTextual() && values.contains(node.textValue());
        } else {
            return namedTypes.get(((NamedType) type).name());
        }
    }

    private static Check compile(ScalarType scalar) {
        switch (scalar) {
            case BOOL:
                return BOOL;
            case INT:
                return INT;
            case FLOAT:
                return FLOAT;
            case STRING:
                return STRING;
            default:
                return OBJECT;
        }
    }

    private static boolean isValidArray(Check element, JsonNode node, Deque<String> path) {
        if (!node.isArray()) {
            return false;
        }
        for (int i = 0; i < node.size(); i++) {
            if (!element.test(node.get(i), path)) {
                path.addFirst("[" + i + "]");
                return false;
            }
        }
        return true;
    }

    private static boolean isValidDict(Check value, JsonNode node, Deque<String> path) {
        if (!node.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!value.test(entry.getValue(), path)) {
                path.addFirst("." + entry.getKey());
                return false;
            }
        }
        return true;
    }
}
