package io.bpfkeeper.daemon.policy;

import io.bpfkeeper.daemon.kernel.FdInfo;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.RegistryListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many objects each uid owns and how much locked memory (fdinfo memlock) they are charged,
 * kept up to date as the registry changes, so that a limit check costs two lookups.
 */
public final class Usage implements RegistryListener {

    private final Map<Integer, Long> objects = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lockedMemory = new ConcurrentHashMap<>();
    private final Map<ObjectKey, Long> memlockByObject = new ConcurrentHashMap<>();

    @Override
    public void added(OwnedObject object) {
        int uid = object.owner().uid();
        objects.merge(uid, 1L, Long::sum);
        if (object instanceof OwnedObject.FdHeld held) {
            long memlock = FdInfo.ofOwn(held.kernelObject().fd()).memlockBytes();
            memlockByObject.put(object.key(), memlock);
            lockedMemory.merge(uid, memlock, Long::sum);
        }
    }

    @Override
    public void released(OwnedObject object) {
        int uid = object.owner().uid();
        objects.merge(uid, -1L, Long::sum);
        Long memlock = memlockByObject.remove(object.key());
        if (memlock != null) {
            lockedMemory.merge(uid, -memlock, Long::sum);
        }
    }

    public int objects(int uid) {
        return objects.getOrDefault(uid, 0L).intValue();
    }

    public long lockedMemoryBytes(int uid) {
        return lockedMemory.getOrDefault(uid, 0L);
    }

    /** Every uid that owns objects now. */
    public List<OfUid> perUid() {
        List<OfUid> uids = new ArrayList<>();
        objects.forEach((uid, count) -> {
            if (count > 0) {
                uids.add(new OfUid(uid, count, lockedMemoryBytes(uid)));
            }
        });
        return uids;
    }

    /** What one uid owns: its objects, and the locked memory they are charged. */
    public record OfUid(int uid, long objects, long lockedMemoryBytes) {
    }
}
