package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.Fd;

/**
 * Where the maps that an object pins by name (LIBBPF_PIN_BY_NAME) are pinned. libbpf would resolve
 * those paths itself, following whatever symlink a client put in their way, so the loader clears
 * them and asks this instead: the daemon finds and makes those pins itself, by fd.
 */
public interface MapPins {

    /** Nowhere: an object that pins a map by name is refused. */
    MapPins NONE = name -> {
        throw new ElfObjectException("the object pins map " + name + " by name (LIBBPF_PIN_BY_NAME), and there is"
                + " no directory for such pins", null, "");
    };

    /**
     * An fd of the map pinned as {@code name} already, to be reused instead of a new one (the loader
     * closes it), or null when nothing is pinned there.
     */
    Fd pinned(String name);
}
