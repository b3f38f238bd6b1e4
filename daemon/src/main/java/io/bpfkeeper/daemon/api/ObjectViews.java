package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.KernelObject;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.ProgramInfo;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.registry.LostObject;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Unrecorded;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.MapProperties;
import io.bpfkeeper.protocol.types.Owner;
import io.bpfkeeper.protocol.types.ProgramProperties;
import java.nio.file.Path;
import java.util.Arrays;

/** An owned object as the IDL's {@code Object} type describes it. */
final class ObjectViews {

    private ObjectViews() {
    }

    static BpfObject view(OwnedObject object) {
        KernelObject kernel = object instanceof OwnedObject.FdHeld held ? held.kernelObject() : null;
        Unrecorded unrecorded = object instanceof OwnedObject.FdHeld held ? held.unrecorded() : null;
        return new BpfObject(
                object.kind(),
                object.id(),
                object.name(),
                object.type(),
                object.lifetime(),
                new Owner(object.owner().uid(), object.owner().gid(), object.owner().pid()),
                object.pins().stream().map(Path::toString).toList(),
                object.labels(),
                object.createdAt().toString(),
                kernel instanceof BpfMap ? mapProperties(((BpfMap) kernel).info()) : null,
                kernel instanceof BpfProgram ? programProperties(((BpfProgram) kernel).info()) : null,
                // A link kept without a record: nothing says where it is attached.
                kernel instanceof BpfLink link && link.options() != null ? AttachViews.link(link) : null,
                object instanceof OwnedObject.KernelHeld held ? AttachViews.attachment(held.attachment()) : null,
                null,
                unrecorded != null ? unrecorded.describe() : null,
                object.notInFdStore());
    }

    /** A lost object, as the journal recorded it, with the reason it is lost. */
    static BpfObject view(LostObject object) {
        return new BpfObject(
                object.key().kind(),
                object.key().id(),
                object.name(),
                object.type(),
                Lifetime.DAEMON,
                new Owner(object.owner().uid(), object.owner().gid(), object.owner().pid()),
                object.pins().stream().map(Path::toString).toList(),
                object.labels(),
                object.createdAt().toString(),
                null,
                null,
                null,
                null,
                object.reason(),
                null,
                null);
    }

    private static MapProperties mapProperties(MapInfo info) {
        return new MapProperties(info.keySize(), info.valueSize(), info.maxEntries(), info.flags());
    }

    private static ProgramProperties programProperties(ProgramInfo info) {
        return new ProgramProperties(info.tag(), Arrays.stream(info.mapIds()).asLongStream().boxed().toList());
    }
}
