package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every method group shares: the registry, the pin root, and taking ownership of new objects. */
final class ApiContext {

    private final Registry registry;
    private final PinPaths pinPaths;
    private final Clock clock;
    private final Authorization authorization;

    ApiContext(Registry registry, PinPaths pinPaths, Clock clock, Authorization authorization) {
        this.registry = registry;
        this.pinPaths = pinPaths;
        this.clock = clock;
        this.authorization = authorization;
    }

    Authorization authorization() {
        return authorization;
    }

    Registry registry() {
        return registry;
    }

    PinPaths pinPaths() {
        return pinPaths;
    }

    /** The owned object, or NoSuchObject. */
    OwnedObject owned(Kind kind, int id) throws VarlinkError {
        ObjectKey key = new ObjectKey(kind, id);
        return registry.get(key).orElseThrow(() -> ApiErrors.noSuchObject(key));
    }

    /** The owned object, after checking that the caller may change it. */
    OwnedObject ownedForChange(Kind kind, int id, Connection caller) throws VarlinkError {
        OwnedObject object = owned(kind, id);
        Access.requireOwner(object, caller);
        return object;
    }

    /** The owned object, after checking that the caller may make another object refer to it. */
    OwnedObject ownedForUse(Kind kind, int id, Connection caller) throws VarlinkError {
        OwnedObject object = owned(kind, id);
        Access.requireUse(object, caller);
        return object;
    }

    /**
     * Registers a new kernel object for the caller and pins it if asked. It is all or nothing: if the
     * pin fails, the object is released again and the caller gets the pin's error. Past the
     * caller's limits, the object is closed and the caller gets PermissionDenied; past the room in
     * systemd's fd store, which an unpinned daemon-lifetime object needs, ResourceExhausted.
     */
    OwnedObject.FdHeld takeOwnership(CallContext call, Kind kind, KernelObject object, String name, String type,
            Lifetime lifetime, Map<String, String> labels, PinPaths.PinPath pin) throws VarlinkError {
        OwnedObject.FdHeld owned = register(call, kind, object, name, type, lifetime, labels, pin == null);
        if (pin != null) {
            try {
                pin(owned, pin, call.connection());
            } catch (BpfException e) {
                registry.release(owned.key());
                throw e;
            }
        }
        return owned;
    }

    /** Registers an object that the pin at {@code pinnedAt} holds already, and records that pin. */
    OwnedObject takeOwnershipOfPinned(CallContext call, Kind kind, KernelObject object, String name, String type,
            Lifetime lifetime, Map<String, String> labels, Path pinnedAt) throws VarlinkError {
        OwnedObject owned = register(call, kind, object, name, type, lifetime, labels, false);
        registry.recordPin(owned, pinnedAt);
        return owned;
    }

    /** Registers an object for the caller once its limits allow it; closes it if they do not. */
    private OwnedObject.FdHeld register(CallContext call, Kind kind, KernelObject object, String name, String type,
            Lifetime lifetime, Map<String, String> labels, boolean unpinned) throws VarlinkError {
        Connection caller = call.connection();
        try {
            authorization.requireRoomFor(caller, 1, unpinned && lifetime == Lifetime.DAEMON ? 1 : 0);
        } catch (VarlinkError e) {
            object.close();
            throw e;
        }
        return registry.add(new OwnedObject.FdHeld(kind, object, name, type, ownerOf(caller), lifetime, caller.id(), labels,
                clock.instant()));
    }

    /**
     * Refuses, past the caller's share of systemd's fd store or past its size, to let go of the last
     * pin of a daemon-lifetime object, which then needs an entry in the store to survive a restart.
     */
    void requireFdStoreEntryFor(Connection caller) throws VarlinkError {
        authorization.requireRoomFor(caller, 0, 1);
    }

    /**
     * Records an attachment that the kernel holds, for the caller. If it cannot be recorded, it is
     * detached again: nothing may stay attached that the daemon does not know of.
     */
    OwnedObject recordAttachment(CallContext call, Attachment attachment, String name, Map<String, String> labels)
            throws VarlinkError {
        try {
            authorization.requireRoomFor(call.connection(), 1, 0);
            return registry.add(new OwnedObject.KernelHeld(registry.newAttachmentId(), attachment, name,
                    ownerOf(call.connection()), labels, clock.instant()));
        } catch (RuntimeException | VarlinkError e) {
            attachment.detach();
            throw e;
        }
    }

    private static Owner ownerOf(Connection caller) {
        return new Owner(caller.uid(), caller.gid(), caller.pid());
    }

    /**
     * Registers objects that belong together, such as the programs and maps of one ELF object: all
     * or nothing. If one cannot be registered, those registered before it are released again, and
     * those after it are closed.
     */
    List<OwnedObject.FdHeld> takeOwnershipOfAll(CallContext call, List<NewObject> objects, Lifetime lifetime)
            throws VarlinkError {
        List<OwnedObject.FdHeld> owned = new ArrayList<>();
        try {
            long unpinned = objects.stream().filter(object -> object.pin() == null).count();
            authorization.requireRoomFor(call.connection(), objects.size(),
                    lifetime == Lifetime.DAEMON ? (int) unpinned : 0);
            for (NewObject object : objects) {
                owned.add(registry.add(new OwnedObject.FdHeld(object.kind(), object.kernelObject(), object.name(),
                        object.kernelObject().typeName(), ownerOf(call.connection()), lifetime,
                        call.connection().id(), object.labels(), clock.instant())));
            }
            for (int i = 0; i < objects.size(); i++) {
                NewObject object = objects.get(i);
                if (object.pin() != null && object.pinnedAlready()) {
                    registry.recordPin(owned.get(i), object.pin().absolute());
                } else if (object.pin() != null) {
                    pin(owned.get(i), object.pin(), call.connection());
                }
            }
            return owned;
        } catch (RuntimeException | VarlinkError e) {
            owned.forEach(object -> registry.release(object.key()));
            objects.subList(owned.size(), objects.size()).forEach(object -> object.kernelObject().close());
            throw e;
        }
    }

    /**
     * A kernel object about to be owned, with what the caller asked for it.
     *
     * @param pin where to pin it, or null
     * @param pinnedAlready whether it was taken from that pin, which is then recorded, not made
     */
    record NewObject(Kind kind, KernelObject kernelObject, String name, Map<String, String> labels,
            PinPaths.PinPath pin, boolean pinnedAlready) {
    }

    /** Pins for the caller (see {@link PinPaths#pin}) and records the pin. */
    void pin(OwnedObject.FdHeld object, PinPaths.PinPath path, Connection caller) {
        pinPaths.pin(object.kernelObject().fd(), path, caller);
        registry.recordPin(object, path.absolute());
    }
}
