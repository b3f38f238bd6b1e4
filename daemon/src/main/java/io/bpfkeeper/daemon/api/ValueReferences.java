package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.FdLeases;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.registry.ObjectKinds;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Map values that refer to other objects. User space writes such a value as a file descriptor, which
 * the kernel resolves in the table of the process that writes: the daemon's, which holds every
 * client's objects. So clients write kernel ids, as lookups return them, and the daemon puts its own
 * fd of each object in their place once it has checked that the caller may use that object.
 */
final class ValueReferences {

    private final ApiContext api;

    ValueReferences(ApiContext api) {
        this.api = api;
    }

    /** Refuses a write to a map whose values are fds of things that have no id to name them by. */
    static void requireWritable(MapInfo info) throws VarlinkError {
        Optional<String> things = info.type().fdValuesWithoutIds();
        if (things.isPresent()) {
            throw ApiErrors.invalidArgument("id", "map " + info.id() + " is a " + info.type().name() + ", whose values"
                    + " are file descriptors of " + things.get() + "; bpfkeeper does not write them for clients, since"
                    + " it would resolve them in its own fd table");
        }
    }

    /**
     * Replaces the kernel id in each of {@code count} values, {@code stride} bytes apart in
     * {@code values}, with the daemon's fd of that object, leased in {@code leases} until the write.
     *
     * @param parameter names the parameter of the i-th value, for errors
     */
    void toFds(MapInfo info, byte[] values, int count, int stride, IntFunction<String> parameter, Connection caller,
            FdLeases leases) throws VarlinkError {
        MapType.FdField field = info.type().fdField(info.valueSize()).orElse(null);
        if (field == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int at = i * stride + field.offset();
            long id = Integer.toUnsignedLong(readInt(values, at));
            if (id == 0 && field.optional()) {
                continue;
            }
            int validId = Params.id(parameter.apply(i), id);
            writeInt(values, at,
                    leases.add(api.ownedForUse(ObjectKinds.wireKind(field.kind()), validId, caller).fdHeld()
                            .kernelObject().fd()));
        }
    }

    /** The kernel's byte order, little-endian on the machines bpfkeeper runs on. */
    private static int readInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16
                | (bytes[at + 3] & 0xff) << 24;
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        bytes[at + 2] = (byte) (value >>> 16);
        bytes[at + 3] = (byte) (value >>> 24);
    }
}
