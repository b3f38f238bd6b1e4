package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.protocol.types.Kind;

/** Between the kernel's kinds of object and the kinds the Varlink interface names. */
public final class ObjectKinds {

    private ObjectKinds() {
    }

    public static Kind wireKind(ObjectKind kind) {
        switch (kind) {
            case MAP:
                return Kind.MAP;
            case PROGRAM:
                return Kind.PROGRAM;
            case LINK:
                return Kind.LINK;
            default:
                throw new IllegalArgumentException("the Varlink interface has no kind for " + kind);
        }
    }

    /** The kernel kind of a wire kind, or null for attachments, which have no kernel id. */
    public static ObjectKind kernelKind(Kind kind) {
        switch (kind) {
            case MAP:
                return ObjectKind.MAP;
            case PROGRAM:
                return ObjectKind.PROGRAM;
            case LINK:
                return ObjectKind.LINK;
            default:
                return null;
        }
    }
}
