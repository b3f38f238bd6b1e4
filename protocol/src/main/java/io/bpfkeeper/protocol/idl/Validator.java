package io.bpfkeeper.protocol.idl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks JSON call parameters, replies and error parameters against an
 * interface definition.
 *
 * <p>A fault is reported as the path of the first offending value: field names
 * joined by {@code .}, array indexes in brackets, dictionary and set keys as
 * if they were field names, such as {@code keySize}, {@code entries[3].key} or
 * {@code labels.foo}. Declared fields are checked in declaration order, and
 * unknown fields after them. A {@code parameters} that is not a JSON object at
 * all is reported as the empty path.
 *
 * <p>The definition is compiled once, in the constructor, and the path is
 * built only when a check fails, so that a valid 100,000-element array costs
 * one pass and no garbage. Immutable and safe to share between threads.
 */
public final class Validator {
    private final String interfaceName;
    private final Map<String, StructCheck> inputs;
    private final Map<String, StructCheck> outputs;
    private final Map<String, StructCheck> errors;

    public Validator(InterfaceDefinition definition) {
        CheckCompiler compiler = new CheckCompiler(definition);
        interfaceName = definition.name();
        inputs = compileAll(definition.methods(), method -> compiler.compile(method.input()));
        outputs = compileAll(definition.methods(), method -> compiler.compile(method.output()));
        errors = compileAll(definition.errors(), error -> compiler.compile(error.parameters()));
    }

    private static <T> Map<String, StructCheck> compileAll(
            Map<String, T> declarations, Function<T, StructCheck> compile) {
        Map<String, StructCheck> checks = new HashMap<>();
        declarations.forEach((name, declaration) -> checks.put(name, compile.apply(declaration)));
        return checks;
    }

    /**
     * @param method the short method name, such as {@code CreateMap}
     * @param parameters the call's {@code parameters}; {@code null} or JSON null mean {@code {}}
     * @return the path of the first offending parameter, or empty if the call is on contract
     * @throws IllegalArgumentException if the interface has no such method
     */
    public Optional<String> validateCall(String method, JsonNode parameters) {
        return validate(lookup(inputs, method, "method"), parameters);
    }

    /** Like {@link #validateCall}, for the {@code parameters} of one reply to the method. */
    public Optional<String> validateReply(String method, JsonNode parameters) {
        return validate(lookup(outputs, method, "method"), parameters);
    }

    /** Like {@link #validateCall}, for the {@code parameters} of an error reply. */
    public Optional<String> validateError(String error, JsonNode parameters) {
        return validate(lookup(errors, error, "error"), parameters);
    }

    private StructCheck lookup(Map<String, StructCheck> checks, String name, String what) {
        StructCheck check = checks.get(name);
        if (check == null) {
            throw new IllegalArgumentException(
                    "interface " + interfaceName + " has no " + what + " '" + name + "'");
        }
        return check;
    }

    private static Optional<String> validate(StructCheck check, JsonNode parameters) {
        JsonNode node = parameters == null || parameters.isNull()
                ? JsonNodeFactory.instance.objectNode()
                : parameters;
        Deque<String> path = new ArrayDeque<>();
        return check.test(node, path) ? Optional.empty() : Optional.of(join(path));
    }

    private static String join(Deque<String> path) {
        String joined = String.join("", path);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
