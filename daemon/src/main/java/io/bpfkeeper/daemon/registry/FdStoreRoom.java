package io.bpfkeeper.daemon.registry;

import java.util.OptionalInt;

/**
 * Room in systemd's fd store, which keeps each unpinned daemon-lifetime object across restarts of
 * the daemon in one entry. Past its size systemd drops further fds without a word, so the daemon
 * counts the entries it holds and promises no survival beyond the size.
 */
public interface FdStoreRoom {

    /** Whether unpinned daemon-lifetime objects go into an fd store at all. */
    boolean inUse();

    /**
     * The store's size, FileDescriptorStoreMax= of the unit, when systemd said it ($FDSTORE, systemd
     * 254 and later); empty when it did not.
     */
    OptionalInt capacity();

    /** The entries the store holds for the daemon now. */
    int used();

    /** The entries the store holds now for objects that {@code uid} owns. */
    int usedBy(int uid);

    /** No fd store: the daemon runs without systemd, and no object needs an entry. */
    FdStoreRoom NONE = new FdStoreRoom() {
        @Override
        public boolean inUse() {
            return false;
        }

        @Override
        public OptionalInt capacity() {
            return OptionalInt.empty();
        }

        @Override
        public int used() {
            return 0;
        }

        @Override
        public int usedBy(int uid) {
            return 0;
        }
    };
}
