package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.registry.ObjectKey;
import java.util.Optional;

/**
 * Where Explain learns whether systemd's fd store holds an fd of an object for bpfkeeper. The fd
 * store itself belongs to the systemd integration, which supplies the real lookup.
 */
@FunctionalInterface
public interface FdStoreLookup {

    /** The fd store entry name (FDNAME) holding this object, if any. */
    Optional<String> entryOf(ObjectKey key);

    /** For a daemon that runs without systemd's fd store. */
    FdStoreLookup NONE = key -> Optional.empty();
}
