package io.bpfkeeper.protocol;

import io.bpfkeeper.protocol.idl.InterfaceDefinition;

/**
 * The standard {@code org.varlink.service} interface that every Varlink
 * service implements: its fully qualified method and error names, and its
 * definition, read from the {@code org.varlink.service.varlink} resource.
 */
public final class VarlinkService {
    public static final String NAME = "org.varlink.service";

    public static final String GET_INFO = NAME + ".GetInfo";
    public static final String GET_INTERFACE_DESCRIPTION = NAME + ".GetInterfaceDescription";

    public static final String INTERFACE_NOT_FOUND = NAME + ".InterfaceNotFound";
    public static final String METHOD_NOT_FOUND = NAME + ".MethodNotFound";
    public static final String METHOD_NOT_IMPLEMENTED = NAME + ".MethodNotImplemented";
    public static final String INVALID_PARAMETER = NAME + ".InvalidParameter";
    public static final String PERMISSION_DENIED = NAME + ".PermissionDenied";
    public static final String EXPECTED_MORE = NAME + ".ExpectedMore";

    private static final InterfaceDefinition DEFINITION = IdlResource.load("org.varlink.service.varlink");

    private VarlinkService() {
    }

    public static InterfaceDefinition definition() {
        return DEFINITION;
    }

    /** The IDL text, comments included, as {@code GetInterfaceDescription} returns it. */
    public static String description() {
        return DEFINITION.description();
    }
}
