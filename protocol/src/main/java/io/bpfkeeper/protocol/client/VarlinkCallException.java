package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service answered a call with a Varlink error. The message is
 * {@code "<error>: <message>"} where the error's parameters have a
 * {@code message} string, as every {@code io.bpfkeeper} error does, and
 * {@code "<error>: <parameters as compact JSON>"} otherwise.
 */
public final class VarlinkCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final transient JsonNode parameters;

    /**
     * @param error the fully qualified error name, such as {@code io.bpfkeeper.NoSuchObject}
     * @param parameters the error's parameters; {@code {}} when the reply had none
     */
    public VarlinkCallException(String error, JsonNode parameters) {
        super(error + ": " + (parameters.path("message").isTextual()
                ? parameters.get("message").textValue()
                : parameters.toString()));
        this.error = error;
        this.parameters = parameters;
    }

    public String error() {
        return error;
    }

    public JsonNode parameters() {
        return parameters;
    }
}
