package io.bpfkeeper.protocol;

import io.bpfkeeper.protocol.idl.InterfaceDefinition;

/**
 * The {@code io.bpfkeeper} Varlink interface: its fully qualified method and
 * error names, and its definition, read from the {@code io.bpfkeeper.varlink}
 * resource that is the contract between the daemon and its clients.
 */
public final class BpfkeeperInterface {
    public static final String NAME = "io.bpfkeeper";

    public static final String CREATE_MAP = NAME + ".CreateMap";
    public static final String LOAD_PROGRAM = NAME + ".LoadProgram";
    public static final String GET = NAME + ".Get";
    public static final String LIST = NAME + ".List";
    public static final String PIN = NAME + ".Pin";
    public static final String UNPIN = NAME + ".Unpin";
    public static final String RELEASE = NAME + ".Release";
    public static final String ADOPT = NAME + ".Adopt";
    public static final String MAP_LOOKUP = NAME + ".MapLookup";
    public static final String MAP_UPDATE = NAME + ".MapUpdate";
    public static final String MAP_DELETE = NAME + ".MapDelete";
    public static final String MAP_ENTRIES = NAME + ".MapEntries";
    public static final String MAP_UPDATE_BATCH = NAME + ".MapUpdateBatch";
    public static final String LOAD_OBJECT = NAME + ".LoadObject";
    public static final String TEST_RUN = NAME + ".TestRun";
    public static final String EXPLAIN = NAME + ".Explain";
    public static final String LIST_ALL = NAME + ".ListAll";
    public static final String ATTACH = NAME + ".Attach";
    public static final String DETACH = NAME + ".Detach";
    public static final String GET_POLICY = NAME + ".GetPolicy";

    public static final String NO_SUCH_OBJECT = NAME + ".NoSuchObject";
    public static final String NO_SUCH_KEY = NAME + ".NoSuchKey";
    public static final String KERNEL_ERROR = NAME + ".KernelError";
    public static final String PROGRAM_REJECTED = NAME + ".ProgramRejected";
    public static final String INVALID_PIN_PATH = NAME + ".InvalidPinPath";
    public static final String PERMISSION_DENIED = NAME + ".PermissionDenied";
    public static final String INVALID_ARGUMENT = NAME + ".InvalidArgument";
    public static final String ALREADY_OWNED = NAME + ".AlreadyOwned";
    public static final String MESSAGE_TOO_LARGE = NAME + ".MessageTooLarge";
    public static final String PROTOCOL_VIOLATION = NAME + ".ProtocolViolation";
    public static final String BATCH_INCOMPLETE = NAME + ".BatchIncomplete";
    public static final String INTERNAL_ERROR = NAME + ".InternalError";
    public static final String RESOURCE_EXHAUSTED = NAME + ".ResourceExhausted";
    public static final String INVALID_OBJECT = NAME + ".InvalidObject";

    private static final InterfaceDefinition DEFINITION = IdlResource.load("io.bpfkeeper.varlink");

    private BpfkeeperInterface() {
    }

    public static InterfaceDefinition definition() {
        return DEFINITION;
    }

    /** The IDL text, comments included, as {@code GetInterfaceDescription} returns it. */
    public static String description() {
        return DEFINITION.description();
    }
}
