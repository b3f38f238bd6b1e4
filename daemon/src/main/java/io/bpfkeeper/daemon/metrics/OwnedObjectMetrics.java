package io.bpfkeeper.daemon.metrics;

import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owned objects by kind and lifetime, kept up to date as the registry changes, and objects and
 * locked memory per owner uid, read from the policy's {@link Usage} at each scrape. So a scrape reads
 * a few numbers however many objects there are.
 *
 * <p>Every local user can become an owner, so one series per uid would let clients grow the scrape
 * without bound: the per-uid series name the {@value #NAMED_UIDS} uids charged the most locked
 * memory, and add up the rest under {@code uid="other"}.
 */
final class OwnedObjectMetrics implements RegistryListener {

    static final int NAMED_UIDS = 10;
    static final String OTHER_UIDS = "other";

    private final Usage usage;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final MultiGauge lockedMemoryByUid;
    private final MultiGauge objectsByUid;

    OwnedObjectMetrics(MeterRegistry registry, Usage usage) {
        this.registry = registry;
        this.usage = usage;
        for (Kind kind : Kind.values()) {
            for (Lifetime lifetime : Lifetime.values()) {
                count(kind, lifetime);
            }
        }
        lockedMemoryByUid = MultiGauge.builder("bpfkeeper.owned.locked.memory")
                .description("Kernel memory charged for the objects bpfkeeper owns (fdinfo memlock), by owner uid:"
                        + " the " + NAMED_UIDS + " uids charged the most, and \"" + OTHER_UIDS + "\" for the rest")
                .baseUnit("bytes")
                .register(registry);
        objectsByUid = MultiGauge.builder("bpfkeeper.uid.owned.objects")
                .description("Objects bpfkeeper owns, by owner uid: the " + NAMED_UIDS + " uids charged the most"
                        + " locked memory, and \"" + OTHER_UIDS + "\" for the rest")
                .register(registry);
    }

    /** Reads each uid's usage into the per-uid series; the scrape calls it, one at a time. */
    void refreshPerUid() {
        List<UidRow> rows = topUids(usage.perUid(), NAMED_UIDS);
        lockedMemoryByUid.register(rows.stream()
                .map(row -> MultiGauge.Row.of(Tags.of("uid", row.uid()), row.lockedMemoryBytes()))
                .toList(), true);
        objectsByUid.register(rows.stream()
                .map(row -> MultiGauge.Row.of(Tags.of("uid", row.uid()), row.objects()))
                .toList(), true);
    }

    /** One series' worth: a uid, or {@value #OTHER_UIDS} for the sum of those not named. */
    record UidRow(String uid, long objects, long lockedMemoryBytes) {
    }

    /** The {@code named} uids charged the most locked memory, then one row that adds up the rest, if any. */
    static List<UidRow> topUids(List<Usage.OfUid> uids, int named) {
        List<Usage.OfUid> ranked = new ArrayList<>(uids);
        ranked.sort(Comparator.comparingLong(Usage.OfUid::lockedMemoryBytes).reversed()
                .thenComparing(Comparator.comparingLong(Usage.OfUid::objects).reversed())
                .thenComparingInt(Usage.OfUid::uid));
        List<UidRow> rows = new ArrayList<>();
        long otherObjects = 0;
        long otherMemory = 0;
        for (int i = 0; i < ranked.size(); i++) {
            Usage.OfUid uid = ranked.get(i);
            if (i < named) {
                rows.add(new UidRow(Integer.toString(uid.uid()), uid.objects(), uid.lockedMemoryBytes()));
            } else {
                otherObjects += uid.objects();
                otherMemory += uid.lockedMemoryBytes();
            }
        }
        if (ranked.size() > named) {
            rows.add(new UidRow(OTHER_UIDS, otherObjects, otherMemory));
        }
        return rows;
    }

    @Override
    public void added(OwnedObject object) {
        count(object.kind(), object.lifetime()).incrementAndGet();
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
