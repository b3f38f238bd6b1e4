package io.bpfkeeper.daemon.kernel;

import java.util.OptionalInt;

/**
 * Who owns a namespace: the uid that created the user namespace owning it
 * ({@code ioctl(NS_GET_USERNS)}, then {@code ioctl(NS_GET_OWNER_UID)}). A netns that root made
 * belongs to the initial user namespace, owned by uid 0; one that a user made after
 * {@code unshare -Ur} belongs to that user.
 */
public final class NamespaceOwner {

    private static final long SYS_IOCTL = 16;
    private static final long NS_GET_USERNS = 0xb701;
    private static final long NS_GET_NSTYPE = 0xb703;
    private static final long NS_GET_OWNER_UID = 0xb704;
    private static final long NSFS_MAGIC = 0x6e736673L;

    private NamespaceOwner() {
    }

    /**
     * The kind of namespace open at {@code namespace}, as its CLONE_NEW* flag, such as CLONE_NEWNET;
     * -1 when it is no namespace. Call it on an nsfs fd that is not O_PATH, which ioctl refuses.
     */
    static long type(Fd namespace) {
        try (Fd.Lease lease = namespace.lease()) {
            return LibC.INSTANCE.syscall(SYS_IOCTL, lease.number(), NS_GET_NSTYPE, 0);
        }
    }

    /** The owner uid of the namespace open at {@code namespace}; empty when it is no namespace. */
    public static OptionalInt ownerUid(Fd namespace) {
        try (Fd.Lease lease = namespace.lease()) {
            if (FileSystemType.of(namespace) != NSFS_MAGIC) {
                return OptionalInt.empty();
            }
            long userns = LibC.INSTANCE.syscall(SYS_IOCTL, lease.number(), NS_GET_USERNS, 0);
            if (userns < 0) {
                return OptionalInt.empty();
            }
            try (Fd owner = Fd.adopt((int) userns); Fd.Lease ownerLease = owner.lease();
                    NativeBuffer uid = NativeBuffer.allocate(4)) {
                if (LibC.INSTANCE.syscall(SYS_IOCTL, ownerLease.number(), NS_GET_OWNER_UID, uid.address()) != 0) {
                    return OptionalInt.empty();
                }
                return OptionalInt.of(uid.pointer().getInt(0));
            }
        }
    }
}
