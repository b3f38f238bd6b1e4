package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.protocol.types.Kind;
import java.util.Locale;

/**
 * The FDNAME of an object in systemd's fd store: "map-42", "program-17". The kernel id is stable for
 * the object's whole life, so the name finds the journal's record of it after a restart. Names
 * contain no ':', which LISTEN_FDNAMES uses as its separator.
 */
final class FdStoreNames {

    private FdStoreNames() {
    }

    static String of(ObjectKey key) {
        return key.kind().wireName() + "-" + Integer.toUnsignedString(key.id());
    }

    /** The object a name stands for, or null when it is not a name this daemon gives. */
    static ObjectKey parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            Kind kind = Kind.valueOf(name.substring(0, dash).toUpperCase(Locale.ROOT));
            int id = Integer.parseUnsignedInt(name.substring(dash + 1));
            return of(new ObjectKey(kind, id)).equals(name) ? new ObjectKey(kind, id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
