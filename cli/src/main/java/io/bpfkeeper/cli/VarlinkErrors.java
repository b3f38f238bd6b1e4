package io.bpfkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.VarlinkCallException;

/** Puts an error reply into words for a person. */
final class VarlinkErrors {
    private VarlinkErrors() {
    }

    /**
     * The error's own {@code message}, which every io.bpfkeeper error has;
     * for the standard org.varlink.service errors, which have none, a
     * sentence made from their parameters.
     */
    static String describe(VarlinkCallException failure) {
        JsonNode parameters = failure.parameters();
        if (parameters.path("message").isTextual()) {
            return parameters.get("message").textValue();
        }
        switch (failure.error()) {
            case VarlinkService.INVALID_PARAMETER:
                return "invalid parameter \"" + parameters.path("parameter").asText() + "\"";
            case VarlinkService.METHOD_NOT_FOUND:
                return "the daemon has no method " + parameters.path("method").asText()
                        + "; is it older than this bpfkeeper?";
            case VarlinkService.METHOD_NOT_IMPLEMENTED:
                return "the daemon does not implement " + parameters.path("method").asText();
            case VarlinkService.INTERFACE_NOT_FOUND:
                return "the daemon has no interface " + parameters.path("interface").asText();
            case VarlinkService.PERMISSION_DENIED:
                return "permission denied";
            default:
                return failure.getMessage();
        }
    }
}
