package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.VarlinkError;

/**
 * Who may change what: an object's owner uid, or root. Reading is open to every client. Using an
 * object in another one (a map in a program, a program in a prog_array, a map in a map) is decided by
 * {@link #requireUse} alone.
 */
final class Access {

    private Access() {
    }

    static void requireOwner(OwnedObject object, Connection caller) throws VarlinkError {
        if (!caller.isRoot() && caller.uid() != object.owner().uid()) {
            throw ApiErrors.notOwner(object.key(), object.owner().uid(), caller.uid());
        }
    }

    /**
     * Whether the caller may make another object refer to this one: a program that uses a map can
     * read and write it, a tail call runs a program, a map in a map is written through it. Today the
     * rule is the owner's: its uid, or root.
     */
    static void requireUse(OwnedObject object, Connection caller) throws VarlinkError {
        if (!caller.isRoot() && caller.uid() != object.owner().uid()) {
            throw ApiErrors.permissionDenied(object.key(), object.owner().uid(), caller.uid(),
                    object.key() + " belongs to uid " + object.owner().uid() + "; only that uid or root may use it in"
                            + " another object");
        }
    }

    static void requireRoot(Connection caller, String what) throws VarlinkError {
        if (!caller.isRoot()) {
            throw ApiErrors.permissionDenied(caller.uid(), what + " needs root");
        }
    }
}
