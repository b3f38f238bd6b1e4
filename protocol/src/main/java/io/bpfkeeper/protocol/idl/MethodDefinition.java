package io.bpfkeeper.protocol.idl;

/**
 * A {@code method Name(input) -> (output)} declaration.
 *
 * @param doc the comment lines right above the declaration, without their {@code #}; empty if none
 */
public record MethodDefinition(String name, StructType input, StructType output, String doc) {

    /**
     * Whether a call of this method may carry file descriptors. The IDL marks an fd the way
     * systemd's interfaces do: an {@code int} (or {@code ?int}) parameter named {@code fileDescriptor}
     * or ending in {@code Fd}, whose value is the fd's 0-based index among the fds sent with the
     * call. A method without such a parameter takes none.
     */
    public boolean takesFds() {
        return input.fields().entrySet().stream().anyMatch(field -> isFdIndex(field.getKey(), field.getValue()));
    }

    /** Whether a field of this name and type is an fd index, by the convention of {@link #takesFds}. */
    public static boolean isFdIndex(String name, VarlinkType type) {
        VarlinkType value = type instanceof NullableType nullable ? nullable.inner() : type;
        return value == ScalarType.INT && (name.equals("fileDescriptor") || name.endsWith("Fd"));
    }
}
