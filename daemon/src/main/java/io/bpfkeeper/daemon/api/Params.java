package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed access to call parameters. The server has already checked them against the IDL, so types
 * and presence are right; what is left to check here are values: ranges, hex, names.
 */
final class Params {

    private final ObjectNode node;

    Params(ObjectNode node) {
        this.node = node;
    }

    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    String string(String name) {
        return node.get(name).asText();
    }

    String string(String name, String absent) {
        return has(name) ? string(name) : absent;
    }

    /** A kernel u32 such as a key size: from 0 to Integer.MAX_VALUE, which is all the kernel accepts. */
    int size(String name) throws VarlinkError {
        long value = node.get(name).asLong();
        if (value < 0) {
            throw ApiErrors.invalidArgument(name, "must not be negative, got " + value);
        }
        if (value > Integer.MAX_VALUE) {
            throw ApiErrors.invalidArgument(name, "too large: " + value);
        }
        return (int) value;
    }

    int size(String name, int absent) throws VarlinkError {
        return has(name) ? size(name) : absent;
    }

    /** A kernel id: positive and at most Integer.MAX_VALUE, as the kernel's idr hands them out. */
    int id(String name) throws VarlinkError {
        return id(name, node.get(name).asLong());
    }

    /** {@link #id(String)} of a value read without a tree. */
    static int id(String name, long value) throws VarlinkError {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw ApiErrors.invalidArgument(name, "not a kernel id: " + value);
        }
        return (int) value;
    }

    Kind kind(String name) throws VarlinkError {
        return WireEnums.kind(name, string(name));
    }

    Lifetime lifetime(String name, Lifetime absent) throws VarlinkError {
        return has(name) ? WireEnums.lifetime(name, string(name)) : absent;
    }

    byte[] hex(String name) throws VarlinkError {
        return hex(name, string(name));
    }

    /** {@link #hex(String)} of a value read without a tree. */
    static byte[] hex(String name, String value) throws VarlinkError {
        byte[] bytes = Hex.decode(value);
        if (bytes == null) {
            throw ApiErrors.invalidArgument(name, "not an even number of hex digits");
        }
        return bytes;
    }

    /** Labels as a client may set them; see {@link Labels}. */
    Map<String, String> labels(String name) throws VarlinkError {
        return has(name) ? Labels.fromClient(name, node.get(name)) : new LinkedHashMap<>();
    }

    /** The names of the parameters the call gave, null ones included. */
    Iterator<String> names() {
        return node.fieldNames();
    }

    JsonNode node(String name) {
        return node.get(name);
    }
}
