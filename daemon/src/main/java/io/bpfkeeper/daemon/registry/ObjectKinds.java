package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.protocol.types.Kind;

/** Between the kernel's kinds of object and the kinds the Varlink interface names. */
public final class ObjectKinds {

    private ObjectKinds() {
    }

    public static Kind wireKind(ObjectKind kind) {
        return switch (kind) {
            case MAP -> Kind.MAP;
            case PROGRAM -> Kind.PROGRAM;
            case LINK -> Kind.LINK;
            case BTF -> throw new IllegalArgumentException("the Varlink interface has no kind for " + kind);
        };
    }

    /** The kernel kind of a wire kind, or null for attachments, which have no kernel id. */
    public static ObjectKind kernelKind(Kind kind) {
        return switch (kind) {
            case MAP -> ObjectKind.MAP;
            case PROGRAM -> ObjectKind.PROGRAM;
            case LINK -> ObjectKind.LINK;
            case ATTACHMENT -> null;
        };
    }
}
