package io.bpfkeeper.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry on its own, with real maps whose only holder is the registry: the kernel says when
 * the registry let one go. The daemon's tests reach it through clients; these pin down what the
 * rest of the daemon relies on, such as which session a close releases and when listeners hear.
 */
@KernelTest
class RegistryTest {

    private static final Duration FREED = Duration.ofSeconds(10);
    private static final Owner USER = new Owner(1000, 1000, 4242);

    private final Registry registry = new Registry();
    private final Events events = new Events();

    RegistryTest() {
        registry.addListener(events);
    }

    @AfterEach
    void closeEverything() {
        registry.closeAllForShutdown();
    }

    @Test
    void closingASessionReleasesItsObjectsAndNoOtherSessions() {
        registry.openSession(1);
        registry.openSession(2);
        OwnedObject first = registry.add(sessionMap("first", 1));
        OwnedObject second = registry.add(sessionMap("second", 2));
        OwnedObject kept = registry.add(daemonMap("kept"));

        assertThat(registry.closeSession(1)).containsExactly(first);

        awaitFreed(first);
        assertThat(KernelIds.exists(ObjectKind.MAP, second.id())).isTrue();
        assertThat(KernelIds.exists(ObjectKind.MAP, kept.id())).isTrue();
        assertThat(registry.get(first.key())).isEmpty();
        assertThat(registry.list(object -> true)).containsExactlyInAnyOrder(second, kept);
        assertThat(events.released).containsExactly(first);
        assertThat(registry.closeSession(1)).isEmpty();
    }

    @Test
    void aSessionObjectAddedAfterItsSessionClosedIsFreedAtOnce() {
        registry.openSession(1);
        registry.closeSession(1);
        OwnedObject late = sessionMap("late", 1);

        assertThatThrownBy(() -> registry.add(late)).isInstanceOf(SessionClosedException.class);

        awaitFreed(late);
        assertThat(registry.size()).isZero();
        assertThat(events.added).isEmpty();
    }

    @Test
    void aSessionObjectOfASessionNeverOpenedIsFreedAtOnce() {
        OwnedObject orphan = sessionMap("orphan", 7);

        assertThatThrownBy(() -> registry.add(orphan)).isInstanceOf(SessionClosedException.class);

        awaitFreed(orphan);
        assertThat(registry.size()).isZero();
    }

    @Test
    void aReleasedSessionObjectIsNotReleasedAgainWithItsSession() {
        registry.openSession(1);
        OwnedObject released = registry.add(sessionMap("released", 1));
        OwnedObject stays = registry.add(sessionMap("stays", 1));

        assertThat(registry.release(released.key())).contains(released);
        assertThat(registry.release(released.key())).isEmpty();
        awaitFreed(released);

        assertThat(registry.closeSession(1)).containsExactly(stays);
        assertThat(events.released).containsExactly(released, stays);
    }

    @Test
    void aReleasedSessionObjectTakenBackForTheDaemonOutlivesTheSession() {
        // A client releases its session map and takes the same map back (by its pin, say) with
        // daemon lifetime: the new record is not the session's any more.
        registry.openSession(1);
        OwnedObject sessionRecord = registry.add(sessionMap("adopted", 1));
        BpfMap sameMap = BpfMap.wrap(KernelIds.open(ObjectKind.MAP, sessionRecord.id()));
        registry.release(sessionRecord.key());
        OwnedObject daemonRecord = registry.add(new OwnedObject.FdHeld(Kind.MAP, sameMap, "adopted", "array", USER,
                Lifetime.DAEMON, 0, Map.of(), Instant.now()));

        assertThat(registry.closeSession(1)).isEmpty();

        assertThat(registry.get(daemonRecord.key())).containsSame(daemonRecord);
        assertThat(KernelIds.exists(ObjectKind.MAP, daemonRecord.id())).isTrue();
    }

    @Test
    void aSecondRecordOfTheSameKernelObjectIsRefusedAndOnlyItsOwnFdClosed() {
        OwnedObject first = registry.add(daemonMap("twice"));
        BpfMap again = BpfMap.wrap(KernelIds.open(ObjectKind.MAP, first.id()));
        OwnedObject duplicate = new OwnedObject.FdHeld(Kind.MAP, again, "twice", "array", USER, Lifetime.DAEMON, 0,
                Map.of(), Instant.now());

        assertThatThrownBy(() -> registry.add(duplicate)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("owned already");

        assertThat(registry.get(Kind.MAP, first.id())).containsSame(first);
        assertThat(events.added).containsExactly(first);
        registry.release(first.key());
        awaitFreed(first);
    }

    @Test
    void listingIsOrderedByKindThenIdAndFiltered() {
        OwnedObject attachment = registry.add(attachment(registry.newAttachmentId()));
        OwnedObject later = registry.add(daemonMap("a"));
        OwnedObject earlier = registry.add(daemonMap("b"));
        List<OwnedObject> maps = later.id() < earlier.id() ? List.of(later, earlier) : List.of(earlier, later);

        assertThat(registry.list(object -> true)).containsExactly(maps.get(0), maps.get(1), attachment);
        assertThat(registry.list(object -> object.kind() == Kind.MAP)).containsExactlyElementsOf(maps);
        assertThat(registry.size()).isEqualTo(3);
    }

    @Test
    void attachmentIdsAreNeverZeroNorReused() {
        assertThat(registry.lastAttachmentId()).isZero();
        int first = registry.newAttachmentId();
        assertThat(first).isEqualTo(1);
        assertThat(registry.lastAttachmentId()).isEqualTo(1);

        registry.reserveAttachmentIdsUpTo(10);
        registry.reserveAttachmentIdsUpTo(5);
        assertThat(registry.newAttachmentId()).isEqualTo(11);

        // An attachment recovered at start, or lost, keeps its id; a new one gets a later one.
        registry.add(attachment(40));
        assertThat(registry.newAttachmentId()).isEqualTo(41);
        registry.recordLost(lost(new ObjectKey(Kind.ATTACHMENT, 60)));
        assertThat(registry.newAttachmentId()).isEqualTo(61);
        // Other kinds' ids are kernel ids, in another space.
        registry.recordLost(lost(new ObjectKey(Kind.MAP, 1000)));
        assertThat(registry.newAttachmentId()).isEqualTo(62);
    }

    @Test
    void lostObjectsAreFoundByKindAndId() {
        LostObject map = lost(new ObjectKey(Kind.MAP, 5));
        LostObject program = lost(new ObjectKey(Kind.PROGRAM, 5));
        registry.recordLost(map);
        registry.recordLost(program);

        assertThat(registry.lost()).containsExactly(map, program);
        assertThat(map).hasToString("map 5 (lost)");
        assertThat(registry.lost(new ObjectKey(Kind.PROGRAM, 5))).containsSame(program);
        assertThat(registry.lost(new ObjectKey(Kind.LINK, 5))).isEmpty();
        assertThat(registry.size()).isZero();
    }

    @Test
    void pinsAreRecordedOnceInOrderAndListenersHearOfEachChange() {
        OwnedObject map = registry.add(daemonMap("pinned"));
        Path first = Path.of("/sys/fs/bpf/a");
        Path second = Path.of("/sys/fs/bpf/b");

        registry.recordPin(map, first);
        registry.recordPin(map, second);
        registry.recordPin(map, first);
        assertThat(map.pins()).containsExactly(first, second);

        registry.forgetPin(map, first);
        assertThat(map.pins()).containsExactly(second);
        assertThat(events.changed).hasSize(4).containsOnly(map);
    }

    @Test
    void shutdownClosesEveryFdSilentlyAndEndsEverySession() {
        registry.openSession(1);
        OwnedObject session = registry.add(sessionMap("session", 1));
        OwnedObject daemon = registry.add(daemonMap("daemon"));

        assertThat(registry.closeAllForShutdown()).containsExactlyInAnyOrder(session, daemon);

        awaitFreed(session);
        awaitFreed(daemon);
        assertThat(registry.size()).isZero();
        assertThat(events.released).isEmpty();
        assertThatThrownBy(() -> registry.add(sessionMap("after", 1))).isInstanceOf(SessionClosedException.class);
    }

    @Test
    void holdingsCountEachLifetimeClass() {
        registry.openSession(1);
        OwnedObject pinnedSession = registry.add(sessionMap("s1", 1));
        registry.add(sessionMap("s2", 1));
        registry.add(sessionMap("s3", 1));
        registry.recordPin(pinnedSession, Path.of("/sys/fs/bpf/s1"));
        OwnedObject pinned = registry.add(daemonMap("d1"));
        registry.recordPin(pinned, Path.of("/sys/fs/bpf/d1"));
        registry.add(daemonMap("d2"));
        registry.add(daemonMap("d3"));
        registry.add(attachment(registry.newAttachmentId()));

        Holdings holdings = Holdings.of(registry);

        assertThat(holdings).isEqualTo(new Holdings(3, 1, 2, 1, 1, 0));
        assertThat(holdings.total()).isEqualTo(7);
        assertThat(holdings.describe()).isEqualTo("holding 7 objects: 4 daemon-lifetime (2 unpinned, 1 pinned,"
                + " 1 held by the kernel), 3 session-lifetime");

        registry.recordLost(lost(new ObjectKey(Kind.MAP, 99)));
        assertThat(Holdings.of(registry).describe()).isEqualTo("holding 7 objects: 4 daemon-lifetime (2 unpinned,"
                + " 1 pinned, 1 held by the kernel), 3 session-lifetime; 1 lost at start (see List)");
    }

    @Test
    void holdingsWithoutKernelHeldAttachmentsDoNotMentionThem() {
        registry.add(daemonMap("d"));

        assertThat(Holdings.of(registry).describe())
                .isEqualTo("holding 1 objects: 1 daemon-lifetime (1 unpinned, 0 pinned), 0 session-lifetime");
    }

    @Test
    void anObjectKnowsItsRecordAndEscapesItsNameInLogs() {
        Instant created = Instant.parse("2026-01-02T03:04:05Z");
        BpfMap map = newMap();
        OwnedObject.FdHeld object = new OwnedObject.FdHeld(Kind.MAP, map, "line\nbreak", "array", USER, Lifetime.DAEMON, 9,
                Map.of("app", "demo"), created);
        registry.add(object);

        assertThat(object.sessionId()).as("a daemon-lifetime object follows no session").isZero();
        assertThat((Object) object.kernelObject()).isSameAs(map);
        assertThat(object.unrecorded()).isNull();
        assertThat(object.labels()).isEqualTo(Map.of("app", "demo"));
        assertThat(object.createdAt()).isEqualTo(created);
        assertThat(object.owner()).isEqualTo(USER);
        assertThat(object.type()).isEqualTo("array");
        assertThat(object.name()).isEqualTo("line\nbreak");
        assertThat(object.toString()).isEqualTo("map " + map.id() + " (line\\nbreak)");
    }

    @Test
    void anUnrecordedObjectIsRootsAndSaysWhoseItWas() {
        Unrecorded withUid = new Unrecorded("map-42-uid-1000", 1000);
        OwnedObject.FdHeld object = registry.add(OwnedObject.FdHeld.unrecorded(Kind.MAP, newMap(), "found", "array", Map.of(),
                Instant.now(), withUid));

        assertThat(object.owner()).isEqualTo(OwnedObject.ROOT);
        assertThat(object.lifetime()).isEqualTo(Lifetime.DAEMON);
        assertThat(object.unrecorded()).isSameAs(withUid);
        assertThat(withUid.describe()).isEqualTo("systemd's fd store held it as map-42-uid-1000 without a record in"
                + " the journal, which a crash between storing and recording it leaves; it was uid 1000's, and root"
                + " owns it now");
        assertThat(new Unrecorded("map-42", null).describe()).contains("the entry does not say whose it was");
        assertThat(new Unrecorded("map-1-uid-4294967295", -1).describe()).contains("it was uid 4294967295's");
    }

    @Test
    void aListenerOnEveryChangeHearsAdditionsChangesAndReleases() {
        List<OwnedObject> heard = new ArrayList<>();
        registry.addListener(RegistryListener.onEveryChange(heard::add));
        OwnedObject map = registry.add(daemonMap("heard"));
        registry.recordPin(map, Path.of("/sys/fs/bpf/heard"));
        registry.release(map.key());

        assertThat(heard).containsExactly(map, map, map);
        assertThat(events.added).containsExactly(map);
        assertThat(events.changed).containsExactly(map);
        assertThat(events.released).containsExactly(map);
    }

    @Test
    void wireAndKernelKindsCorrespond() {
        for (ObjectKind kind : List.of(ObjectKind.MAP, ObjectKind.PROGRAM, ObjectKind.LINK)) {
            assertThat(ObjectKinds.kernelKind(ObjectKinds.wireKind(kind))).isEqualTo(kind);
        }
        assertThat(ObjectKinds.kernelKind(Kind.ATTACHMENT)).isNull();
    }

    private OwnedObject sessionMap(String name, long sessionId) {
        return new OwnedObject.FdHeld(Kind.MAP, newMap(), name, "array", USER, Lifetime.SESSION, sessionId, Map.of(),
                Instant.now());
    }

    private OwnedObject daemonMap(String name) {
        return new OwnedObject.FdHeld(Kind.MAP, newMap(), name, "array", USER, Lifetime.DAEMON, 0, Map.of(), Instant.now());
    }

    private static BpfMap newMap() {
        return BpfMap.create(new MapSpec("registry_test", MapType.ARRAY, 4, 8, 1, 0));
    }

    private static OwnedObject attachment(int id) {
        return new OwnedObject.KernelHeld(id, new RecordedOnly(), "tc", USER, Map.of(), Instant.now());
    }

    private static LostObject lost(ObjectKey key) {
        return new LostObject(key, "lost", "array", USER, Map.of(), Instant.now(), List.of(), "gone");
    }

    private static void awaitFreed(OwnedObject object) {
        Eventually.until(FREED, () -> !KernelIds.exists(ObjectKind.MAP, object.id()), object + " is freed");
    }

    /** An attachment as the registry sees it: a record, with nothing in the kernel behind it. */
    private static final class RecordedOnly implements Attachment {
        @Override
        public int programId() {
            return 1;
        }

        @Override
        public AttachOptions options() {
            return null;
        }

        @Override
        public String typeName() {
            return "tc";
        }

        @Override
        public boolean detach() {
            return false;
        }

        @Override
        public String heldBy() {
            return "nothing";
        }
    }

    private static final class Events implements RegistryListener {
        final List<OwnedObject> added = new ArrayList<>();
        final List<OwnedObject> released = new ArrayList<>();
        final List<OwnedObject> changed = new ArrayList<>();

        @Override
        public void added(OwnedObject object) {
            added.add(object);
        }

        @Override
        public void released(OwnedObject object) {
            released.add(object);
        }

        @Override
        public void changed(OwnedObject object) {
            changed.add(object);
        }
    }
}
