package io.bpfkeeper.protocol.idl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed Varlink interface. The maps keep declaration order and are keyed by
 * the short name ({@code CreateMap}, not {@code io.bpfkeeper.CreateMap}).
 *
 * @param name the interface name, such as {@code io.bpfkeeper}
 * @param description the exact text that was parsed, to serve from
 *     {@code org.varlink.service.GetInterfaceDescription}
 * @param doc the comment lines right above the {@code interface} keyword, without their {@code #}
 */
public record InterfaceDefinition(
        String name,
        String description,
        String doc,
        Map<String, TypeDefinition> types,
        Map<String, MethodDefinition> methods,
        Map<String, ErrorDefinition> errors) {

    public InterfaceDefinition {
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }
}
