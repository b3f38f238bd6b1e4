package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.protocol.types.Kind;
/** The public handle of an object: "map 42". */
public record ObjectKey(Kind kind, int id) {

    @Override
    public String toString() {
        return kind.wireName() + " " + id;
    }
}
