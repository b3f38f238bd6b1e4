package io.bpfkeeper.protocol.idl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A recursive-descent parser over the raw text. It keeps character offsets and
 * turns one into a line and column only when it reports a fault.
 */
final class IdlParser {
    private static final Pattern INTERFACE_NAME =
            Pattern.compile("[a-z]([-]*[a-z0-9])*(\\.[a-z0-9]([-]*[a-z0-9])*)+");
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z](_?[A-Za-z0-9])*");

    private final String text;
    private int pos;

    private final Map<String, TypeDefinition> types = new LinkedHashMap<>();
    private final Map<String, MethodDefinition> methods = new LinkedHashMap<>();
    private final Map<String, ErrorDefinition> errors = new LinkedHashMap<>();
    /** Types, methods and errors share one namespace. */
    private final Set<String> declared = new HashSet<>();
    /** Checked once the whole file is read, because a type may be used before it is declared. */
    private final List<Reference> references = new ArrayList<>();

    private record Reference(String name, int pos) {
    }

    IdlParser(String text) {
        this.text = text;
    }

    InterfaceDefinition parse() {
        skipTrivia();
        int start = pos;
        if (!readWord().equals("interface")) {
            throw fault(start, "expected 'interface'");
        }
        String doc = docBefore(start);
        skipTrivia();
        String name = name(INTERFACE_NAME, "interface name");
        skipTrivia();
        if (atEnd()) {
            throw fault(pos, "expected at least one type, method or error");
        }
        while (!atEnd()) {
            member();
            skipTrivia();
        }
        for (Reference reference : references) {
            if (!types.containsKey(reference.name())) {
                throw fault(reference.pos(), "undefined type '" + reference.name() + "'");
            }
        }
        return new InterfaceDefinition(name, text, doc, types, methods, errors);
    }

    private void member() {
        int start = pos;
        String keyword = readWord();
        if (!List.of("type", "method", "error").contains(keyword)) {
            throw fault(start, "expected 'type', 'method' or 'error'");
        }
        String doc = docBefore(start);
        skipTrivia();
        String name = declare();
        skipTrivia();
        switch (keyword) {
            case "type" -> types.put(name, new TypeDefinition(name, structOrEnum(), doc));
            case "error" -> errors.put(name, new ErrorDefinition(name, struct(), doc));
            default -> {
                StructType input = struct();
                skipTrivia();
                expect("->");
                skipTrivia();
                methods.put(name, new MethodDefinition(name, input, struct(), doc));
            }
        }
    }

    private String declare() {
        int start = pos;
        String name = name(NAME, "name");
        if (!declared.add(name)) {
            throw fault(start, "duplicate name '" + name + "'");
        }
        return name;
    }

    private VarlinkType type() {
        if (peek() == '?') {
            pos++;
            if (peek() == '?') {
                throw fault(pos, "a nullable type cannot be nullable again");
            }
            return new NullableType(type());
        }
        if (text.startsWith("[]", pos)) {
            pos += 2;
            return new ArrayType(type());
        }
        if (text.startsWith("[string]", pos)) {
            pos += "[string]".length();
            VarlinkType value = type();
            return isEmptyStruct(value) ? new SetType() : new DictType(value);
        }
        if (peek() == '(') {
            return structOrEnum();
        }
        int start = pos;
        String word = readWord();
        switch (word) {
            case "bool":
                return ScalarType.BOOL;
            case "int":
                return ScalarType.INT;
            case "float":
                return ScalarType.FLOAT;
            case "string":
                return ScalarType.STRING;
            case "object":
                return ScalarType.OBJECT;
            case "":
                throw fault(start, "expected a type" + found());
            default:
                pos = start;
                String name = name(NAME, "type name");
                references.add(new Reference(name, start));
                return new NamedType(name);
        }
    }

    private static boolean isEmptyStruct(VarlinkType type) {
        return type instanceof StructType struct && struct.fields().isEmpty();
    }

    private StructType struct() {
        int start = pos;
        if (structOrEnum() instanceof StructType struct) {
            return struct;
        }
        throw fault(start, "expected a struct of 'name: type' fields, not an enum");
    }

    /** {@code ()} is the empty struct; the first field tells a struct from an enum. */
    private VarlinkType structOrEnum() {
        expect("(");
        skipTrivia();
        if (peek() == ')') {
            pos++;
            return new StructType(Map.of());
        }
        int start = pos;
        name(FIELD_NAME, "field name");
        skipTrivia();
        boolean isStruct = peek() == ':';
        pos = start;
        return isStruct ? structFields() : enumValues();
    }

    private StructType structFields() {
        Map<String, VarlinkType> fields = new LinkedHashMap<>();
        commaSeparated(() -> {
            int start = pos;
            String field = name(FIELD_NAME, "field name");
            skipTrivia();
            expect(":");
            skipTrivia();
            if (fields.putIfAbsent(field, type()) != null) {
                throw fault(start, "duplicate field '" + field + "'");
            }
        });
        return new StructType(fields);
    }

    private EnumType enumValues() {
        Set<String> values = new LinkedHashSet<>();
        commaSeparated(() -> {
            int start = pos;
            if (!values.add(name(FIELD_NAME, "enum value"))) {
                throw fault(start, "duplicate enum value '" + text.substring(start, pos) + "'");
            }
        });
        return new EnumType(values);
    }

    /** Reads {@code element (, element)* )}; the opening parenthesis is already consumed. */
    private void commaSeparated(Runnable element) {
        while (true) {
            element.run();
            skipTrivia();
            if (peek() == ')') {
                pos++;
                return;
            }
            if (peek() != ',') {
                throw fault(pos, "expected ',' or ')'" + found());
            }
            pos++;
            skipTrivia();
        }
    }

    private String name(Pattern pattern, String what) {
        int start = pos;
        while (!atEnd() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw fault(start, "expected " + what + found());
        }
        if (!pattern.matcher(name).matches()) {
            throw fault(start, "invalid " + what + " '" + name + "'");
        }
        return name;
    }

    /** Wider than any one name pattern, so that a bad name is reported whole. */
    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    private String readWord() {
        int start = pos;
        while (!atEnd() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void expect(String token) {
        if (!text.startsWith(token, pos)) {
            throw fault(pos, "expected '" + token + "'" + found());
        }
        pos += token.length();
    }

    private void skipTrivia() {
        while (!atEnd()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (!atEnd() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF') {
                pos++;
            } else {
                return;
            }
        }
    }

    /**
     * The run of comment-only lines right above the line where a declaration
     * starts: the varlink.org rule for documentation comments.
     */
    private String docBefore(int declarationStart) {
        Deque<String> lines = new ArrayDeque<>();
        int lineEnd = text.lastIndexOf('\n', declarationStart - 1);
        while (lineEnd >= 0) {
            int lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
            String line = text.substring(lineStart, lineEnd).strip();
            if (!line.startsWith("#")) {
                break;
            }
            lines.addFirst(line.startsWith("# ") ? line.substring(2) : line.substring(1));
            lineEnd = lineStart - 1;
        }
        return String.join("\n", lines);
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return atEnd() ? '\0' : text.charAt(pos);
    }

    private String found() {
        return atEnd() ? " but the text ends" : " but found '" + text.charAt(pos) + "'";
    }

    private IdlSyntaxException fault(int at, String reason) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IdlSyntaxException(reason, line, at - lineStart + 1);
    }
}
