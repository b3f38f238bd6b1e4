package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.protocol.VarlinkService;

/**
 * A call failed with a Varlink error: a fully qualified name and its parameters. Handlers throw it;
 * the dispatcher turns it into the error reply.
 */
public class VarlinkError extends Exception {

    private final String name;
    private final ObjectNode parameters;

    public VarlinkError(String name, ObjectNode parameters) {
        super(name + (parameters.has("message") ? ": " + parameters.get("message").asText() : ""), null, false,
                false);
        this.name = name;
        this.parameters = parameters;
    }

    public String name() {
        return name;
    }

    public ObjectNode parameters() {
        return parameters;
    }

    public static ObjectNode params() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static VarlinkError invalidParameter(String parameter) {
        return new VarlinkError(VarlinkService.INVALID_PARAMETER, params().put("parameter", parameter));
    }

    public static VarlinkError methodNotFound(String method) {
        return new VarlinkError(VarlinkService.METHOD_NOT_FOUND, params().put("method", method));
    }

    public static VarlinkError interfaceNotFound(String interfaceName) {
        return new VarlinkError(VarlinkService.INTERFACE_NOT_FOUND, params().put("interface", interfaceName));
    }

    public static VarlinkError expectedMore() {
        return new VarlinkError(VarlinkService.EXPECTED_MORE, params());
    }
}
