package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import io.bpfkeeper.protocol.idl.Validator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An interface the server serves: its IDL and one {@link Method} per IDL method. Construction fails
 * unless the two match exactly, so the published IDL can never promise a method the code lacks.
 */
public final class VarlinkInterface {

    private final InterfaceDefinition definition;
    private final Validator validator;
    private final Map<String, Method> methods = new LinkedHashMap<>();

    public VarlinkInterface(InterfaceDefinition definition, List<Method> implementations) {
        this.definition = definition;
        this.validator = new Validator(definition);
        for (Method method : implementations) {
            if (methods.put(method.name(), method) != null) {
                throw new IllegalArgumentException("two implementations of " + method.name());
            }
        }
        Set<String> declared = new TreeSet<>(definition.methods().keySet());
        Set<String> implemented = new TreeSet<>(methods.keySet());
        if (!declared.equals(implemented)) {
            throw new IllegalArgumentException("interface " + definition.name() + " declares " + declared
                    + " but implements " + implemented);
        }
    }

    public String name() {
        return definition.name();
    }

    public InterfaceDefinition definition() {
        return definition;
    }

    /** Checks call parameters against the IDL: the path of the first bad one, if any. */
    Optional<String> invalidParameter(String method, JsonNode parameters) {
        return validator.validateCall(method, parameters);
    }

    Collection<Method> methods() {
        return methods.values();
    }
}
