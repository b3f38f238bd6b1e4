package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owned objects by kind and lifetime, and their locked memory by owner uid. The counts are kept up
 * to date as the registry changes, and the locked memory is the policy's {@link Usage}, so a scrape
 * reads a few numbers however many objects there are.
 */
final class OwnedObjectMetrics implements RegistryListener {

    private final MeterRegistry registry;
    private final Usage usage;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Set<Integer> uidsWithGauge = ConcurrentHashMap.newKeySet();

    OwnedObjectMetrics(MeterRegistry registry, Usage usage) {
        this.registry = registry;
        this.usage = usage;
        for (Kind kind : Kind.values()) {
            for (Lifetime lifetime : Lifetime.values()) {
                count(kind, lifetime);
            }
        }
    }

    @Override
    public void added(OwnedObject object) {
        count(object.kind(), object.lifetime()).incrementAndGet();
        int uid = object.owner().uid();
        if (uidsWithGauge.add(uid)) {
            Gauge.builder("bpfkeeper.owned.locked.memory", usage, each -> each.lockedMemoryBytes(uid))
                    .description("Kernel memory charged for the objects bpfkeeper owns (fdinfo memlock),"
                            + " by owner uid")
                    .baseUnit("bytes")
                    .tag("uid", Integer.toString(uid))
                    .register(registry);
        }
    }

    @Override
    public void released(OwnedObject object) {
        count(object.kind(), object.lifetime()).decrementAndGet();
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
}
