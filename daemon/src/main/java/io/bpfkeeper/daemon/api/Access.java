package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.VarlinkError;

/** Who may change what: an object's owner uid, or root. Reading is open to every client. */
final class Access {

    private Access() {
    }

    static void requireOwner(OwnedObject object, Connection caller) throws VarlinkError {
        if (!caller.isRoot() && caller.uid() != object.owner().uid()) {
            throw ApiErrors.notOwner(object.key(), object.owner().uid(), caller.uid());
        }
    }

    static void requireRoot(Connection caller, String what) throws VarlinkError {
        if (!caller.isRoot()) {
            throw ApiErrors.permissionDenied(caller.uid(), what + " needs root");
        }
    }
}
