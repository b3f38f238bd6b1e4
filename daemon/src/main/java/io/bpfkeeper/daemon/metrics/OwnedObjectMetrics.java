package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.kernel.FdInfo;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owned objects by kind and lifetime, and their locked memory by owner uid. Both are kept up to
 * date as the registry changes, so a scrape reads a few numbers however many objects there are.
 * An object's memlock is read from its fdinfo once, when it arrives: it does not change while the
 * object lives, and the fd is closed by the time the release is heard.
 */
final class OwnedObjectMetrics implements RegistryListener {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> memlockByUid = new ConcurrentHashMap<>();
    private final Map<ObjectKey, Long> memlockByObject = new ConcurrentHashMap<>();

    OwnedObjectMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Kind kind : Kind.values()) {
            for (Lifetime lifetime : Lifetime.values()) {
                count(kind, lifetime);
            }
        }
    }

    @Override
    public void added(OwnedObject object) {
        count(object.kind(), object.lifetime()).incrementAndGet();
        if (object.kernelObject() == null) {
            // A link-less attachment: the kernel holds it through the hook, not through our fd.
            return;
        }
        long memlock = FdInfo.ofOwn(object.kernelObject().fd()).memlockBytes();
        memlockByObject.put(object.key(), memlock);
        memlock(object.owner().uid()).addAndGet(memlock);
    }

    @Override
    public void released(OwnedObject object) {
        count(object.kind(), object.lifetime()).decrementAndGet();
        Long memlock = memlockByObject.remove(object.key());
        if (memlock != null) {
            memlock(object.owner().uid()).addAndGet(-memlock);
        }
    }

    private AtomicLong count(Kind kind, Lifetime lifetime) {
        return counts.computeIfAbsent(kind.wireName() + "/" + lifetime.wireName(), key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("bpfkeeper.owned.objects", value, AtomicLong::get)
                    .description("Objects bpfkeeper owns, by kind and lifetime")
                    .tag("kind", kind.wireName())
                    .tag("lifetime", lifetime.wireName())
                    .register(registry);
            return value;
        });
    }

    private AtomicLong memlock(int uid) {
        return memlockByUid.computeIfAbsent(uid, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("bpfkeeper.owned.locked.memory", value, AtomicLong::get)
                    .description("Kernel memory charged for the objects bpfkeeper owns (fdinfo memlock),"
                            + " by owner uid")
                    .baseUnit("bytes")
                    .tag("uid", Integer.toString(uid))
                    .register(registry);
            return value;
        });
    }
}
