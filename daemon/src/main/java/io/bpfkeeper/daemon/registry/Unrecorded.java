package io.bpfkeeper.daemon.registry;

/**
 * What the daemon knows of an object that systemd's fd store handed back at a start without a
 * record of it in the journal: the daemon stopped after storing it and before recording it, or the
 * journal was unreadable. Only the store's entry is left to say whose it was. root owns such an
 * object, so that no client can take what might not be its own; it is never freed unasked.
 *
 * @param storeName the entry's FDNAME, such as "map-42-uid-1000"
 * @param creatorUid the owner's uid that the name carries; null in a name of an older daemon
 */
public record Unrecorded(String storeName, Integer creatorUid) {

    /** In words, for List, Get and the log. */
    public String describe() {
        return "systemd's fd store held it as " + storeName + " without a record in the journal, which a crash between"
                + " storing and recording it leaves; " + (creatorUid == null ? "the entry does not say whose it was"
                : "it was uid " + Integer.toUnsignedString(creatorUid) + "'s") + ", and root owns it now";
    }
}
