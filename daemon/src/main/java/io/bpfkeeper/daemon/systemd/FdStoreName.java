package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.protocol.types.Kind;
import java.util.Locale;

/**
 * The FDNAME of an object in systemd's fd store: "map-42-uid-1000", the object's kind and kernel id
 * and its owner's uid. The kernel id is stable for the object's whole life, so the name finds the
 * journal's record of it after a restart; and when the daemon stopped between storing an object and
 * recording it, the name alone still says whose it was. Names of older daemons, "map-42", name no
 * owner and are read too. Names contain no ':', which LISTEN_FDNAMES uses as its separator, and stay
 * far below systemd's limit of 255 characters.
 *
 * @param text the FDNAME itself
 * @param ownerUid null in a name of an older daemon
 */
public record FdStoreName(String text, ObjectKey key, Integer ownerUid) {

    private static final String UID = "-uid-";

    static FdStoreName of(ObjectKey key, int ownerUid) {
        return new FdStoreName(objectPart(key) + UID + Integer.toUnsignedString(ownerUid), key, ownerUid);
    }

    private static String objectPart(ObjectKey key) {
        return key.kind().wireName() + "-" + Integer.toUnsignedString(key.id());
    }

    /** What a name stands for, or null when it is not a name this daemon, or an older one, gives. */
    static FdStoreName parse(String text) {
        int uidAt = text.indexOf(UID);
        String object = uidAt < 0 ? text : text.substring(0, uidAt);
        int dash = object.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            Kind kind = Kind.valueOf(object.substring(0, dash).toUpperCase(Locale.ROOT));
            ObjectKey key = new ObjectKey(kind, Integer.parseUnsignedInt(object.substring(dash + 1)));
            if (uidAt < 0) {
                return objectPart(key).equals(text) ? new FdStoreName(text, key, null) : null;
            }
            FdStoreName name = of(key, Integer.parseUnsignedInt(text.substring(uidAt + UID.length())));
            return name.text().equals(text) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
