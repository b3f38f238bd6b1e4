package io.bpfkeeper.protocol.idl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one method's call parameters as they stream from a JSON parser, as {@link Validator} checks
 * them as a tree, and hands the values of chosen fields to sinks on the way: a call whose array of
 * 100,000 entries would be tens of megabytes as a tree is read in one pass, without one.
 *
 * <p>It refuses what the Validator refuses and names the same path: declared fields in declaration
 * order, then the first unknown field; in an array, the first element at fault. As in a tree, a
 * field given twice counts with its last value. (A dictionary key given twice is checked at each
 * occurrence, which a tree, keeping the last, does not.)
 *
 * <p>A sink is named by the path of the values it takes, with {@code []} for every element of an
 * array, such as {@code entries[].key}. It sees a value once the value has passed its check, but an
 * array or object at its start, before its elements are checked; it must not move the parser.
 *
 * @param <C> what the sinks fill in: one for each call read
 */
public final class StreamValidator<C> {

    /** Takes a value of one field as it passes. */
    @FunctionalInterface
    public interface Sink<C> {

        /**
         * @param parser at the value: one of the field's type, or the start of an array or object
         * @param index the index of the innermost array element that the value is in, or -1
         */
        void take(C context, JsonParser parser, int index) throws IOException;
    }

    /** Reads one value, from its first token to its last; returns the rest of the path of its fault, or null. */
    private interface Reader<C> {
        String read(JsonParser parser, C context, int index) throws IOException;
    }

    private final Map<String, TypeDefinition> types;
    private final Map<String, Sink<C>> sinks;
    private final Set<String> sinksUsed = new HashSet<>();
    /** The readers of named types along paths that no sink is on, so that types may refer to themselves. */
    private final Map<String, Forward<C>> plainNamedTypes = new HashMap<>();
    private final StructReader<C> parameters;

    /**
     * @param sinks by the path of the values they take
     * @throws IllegalArgumentException if the interface has no such method, or a sink's path is none
     *     of its parameters'
     */
    public StreamValidator(InterfaceDefinition definition, String method, Map<String, Sink<C>> sinks) {
        MethodDefinition declared = definition.methods().get(method);
        if (declared == null) {
            throw new IllegalArgumentException("interface " + definition.name() + " has no method '" + method + "'");
        }
        this.types = definition.types();
        this.sinks = Map.copyOf(sinks);
        this.parameters = compile(declared.input(), "");
        Set<String> unused = new HashSet<>(sinks.keySet());
        unused.removeAll(sinksUsed);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("method " + method + " has no parameters " + unused);
        }
    }

    /**
     * Reads the parameters, leaving the parser at their last token whether they are on contract or not.
     *
     * @param parser at the first token of the parameters
     * @return the path of the first offending parameter, as the Validator names it, or empty
     */
    public Optional<String> read(JsonParser parser, C context) throws IOException {
        String fault = parameters.read(parser, context, -1);
        return fault == null ? Optional.empty() : Optional.of(fault.startsWith(".") ? fault.substring(1) : fault);
    }

    /** @param path of the values of this type, as sinks name them; null where no sink is on it */
    private Reader<C> compile(VarlinkType type, String path) {
        Reader<C> reader = compileType(type, path);
        Sink<C> sink = path == null ? null : sinks.get(path);
        if (sink == null) {
            return reader;
        }
        sinksUsed.add(path);
        JsonToken start = startOf(type);
        return (parser, context, index) -> {
            boolean atStart = start != null && parser.currentToken() == start;
            if (atStart) {
                sink.take(context, parser, index);
            }
            String fault = reader.read(parser, context, index);
            if (!atStart && fault == null) {
                sink.take(context, parser, index);
            }
            return fault;
        };
    }

    /** The token that a value of an array or object type starts with; null for the other types. */
    private JsonToken startOf(VarlinkType type) {
        if (type instanceof NullableType nullable) {
            return startOf(nullable.inner());
        } else if (type instanceof NamedType named) {
            return startOf(types.get(named.name()).type());
        } else if (type instanceof ArrayType) {
            return JsonToken.START_ARRAY;
        } else if (type instanceof StructType || type instanceof DictType || type instanceof SetType
                || type == ScalarType.OBJECT) {
            return JsonToken.START_OBJECT;
        }
        return null;
    }

    private Reader<C> compileType(VarlinkType type, String path) {
        if (type instanceof ScalarType scalar) {
            return scalar(scalar);
        } else if (type instanceof NullableType nullable) {
            Reader<C> inner = compileType(nullable.inner(), path);
            return (parser, context, index) -> parser.currentToken() == JsonToken.VALUE_NULL ? null
                    : inner.read(parser, context, index);
        } else if (type instanceof StructType struct) {
            return compile(struct, path);
        } else if (type instanceof ArrayType array) {
            return array(compile(array.element(), extend(path, "[]")));
        } else if (type instanceof DictType dict) {
            return dict(compile(dict.value(), null));
        } else if (type instanceof SetType) {
            return dict(scalar(ScalarType.OBJECT));
        } else if (type instanceof EnumType enumType) {
            Set<String> values = Set.copyOf(enumType.values());
            return (parser, context, index) -> checked(parser,
                    parser.currentToken() == JsonToken.VALUE_STRING && values.contains(parser.getText()));
        }
        String name = ((NamedType) type).name();
        if (path != null && sinks.keySet().stream().anyMatch(sinkPath -> sinkPath.startsWith(path))) {
            return compileType(types.get(name).type(), path);
        }
        Forward<C> forward = plainNamedTypes.get(name);
        if (forward == null) {
            forward = new Forward<>();
            plainNamedTypes.put(name, forward);
            forward.target = compileType(types.get(name).type(), null);
        }
        return forward;
    }

    private static String extend(String path, String segment) {
        return path == null ? null : path + segment;
    }

    private StructReader<C> compile(StructType struct, String path) {
        String[] names = struct.fields().keySet().toArray(new String[0]);
        if (names.length > Long.SIZE) {
            throw new IllegalArgumentException("a struct of more than " + Long.SIZE + " fields: " + names.length);
        }
        @SuppressWarnings("unchecked")
        Reader<C>[] readers = new Reader[names.length];
        boolean[] optional = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            VarlinkType type = struct.fields().get(names[i]);
            readers[i] = compile(type, path == null ? null : path.isEmpty() ? names[i] : path + "." + names[i]);
            optional[i] = type instanceof NullableType;
        }
        return new StructReader<>(names, readers, optional);
    }

    private static <C> Reader<C> scalar(ScalarType scalar) {
        return switch (scalar) {
            case BOOL -> (parser, context, index) -> checked(parser, parser.currentToken().isBoolean());
            // What a tree's canConvertToLong allows: an integer that fits a long.
            case INT -> (parser, context, index) -> checked(parser, parser.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
            case FLOAT -> (parser, context, index) -> checked(parser, parser.currentToken().isNumeric());
            case STRING -> (parser, context, index) -> checked(parser,
                    parser.currentToken() == JsonToken.VALUE_STRING);
            case OBJECT -> (parser, context, index) -> checked(parser,
                    parser.currentToken() == JsonToken.START_OBJECT);
        };
    }

    /** Skips the value, which passed its check or did not. */
    private static String checked(JsonParser parser, boolean valid) throws IOException {
        parser.skipChildren();
        return valid ? null : "";
    }

    private static <C> Reader<C> array(Reader<C> element) {
        return (parser, context, index) -> {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                return checked(parser, false);
            }
            for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
                String fault = element.read(parser, context, i);
                if (fault != null) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                    }
                    return "[" + i + "]" + fault;
                }
            }
            return null;
        };
    }

    private static <C> Reader<C> dict(Reader<C> value) {
        return (parser, context, index) -> {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                return checked(parser, false);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                String fault = value.read(parser, context, index);
                if (fault != null) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        parser.nextToken();
                        parser.skipChildren();
                    }
                    return "." + key + fault;
                }
            }
            return null;
        };
    }

    private static final class Forward<C> implements Reader<C> {
        private Reader<C> target;

        @Override
        public String read(JsonParser parser, C context, int index) throws IOException {
            return target.read(parser, context, index);
        }
    }

    /**
     * Reads every field through to the object's end, each one's last occurrence counting, then names
     * the first fault as {@link StructCheck} does.
     */
    private record StructReader<C>(String[] names, Reader<C>[] readers, boolean[] optional) implements Reader<C> {

        @Override
        public String read(JsonParser parser, C context, int index) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                return checked(parser, false);
            }
            // Nothing allocated unless a field is at fault: a batch has 100,000 of these.
            long present = 0;
            String[] faults = null;
            String unknownField = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                int declared = indexOf(field);
                if (declared < 0) {
                    unknownField = unknownField == null ? field : unknownField;
                    parser.skipChildren();
                    continue;
                }
                present |= 1L << declared;
                String fault = readers[declared].read(parser, context, index);
                if (fault != null || faults != null) {
                    faults = faults == null ? new String[names.length] : faults;
                    faults[declared] = fault;
                }
            }
            for (int i = 0; i < names.length; i++) {
                boolean given = (present & 1L << i) != 0;
                String fault = faults == null ? null : faults[i];
                if (given ? fault != null : !optional[i]) {
                    return "." + names[i] + (given ? fault : "");
                }
            }
            return unknownField == null ? null : "." + unknownField;
        }

        private int indexOf(String field) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(field)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
