package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Counters;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Every method that changes an object refuses a caller that is neither its owner nor root. The
 * caller is a real user in the socket's group, and each refusal is judged by the kernel or the
 * filesystem: a refusal whose change happened anyway fails.
 */
@KernelTest
class NonOwnerTest extends DaemonWithAttacker {

    private static final String KEY = "01000000";
    private static final String VALUE = "2a000000";
    private static final String PACKET = "00".repeat(64);

    @Test
    void mapWritesOfAnotherUsersMapAreRefusedAndLeaveItsEntries() {
        int map = rootsMapWithOneEntry();

        expectRefused(() -> client.mapUpdate(map, KEY, "ffffffff", null));
        expectRefused(() -> client.mapUpdate(map, "02000000", "ffffffff", null));
        expectRefused(() -> client.mapDelete(map, KEY));
        expectRefused(() -> client.mapUpdateBatch(map, List.of(new Entry(KEY, "ffffffff"),
                new Entry("03000000", "ffffffff")), null));

        assertThat(Bpftool.json("map", "dump", "id", Integer.toString(map))).hasSize(1);
        assertThat(HexFormat.of().formatHex(Bpftool.mapLookup(map, HexFormat.of().parseHex(KEY)))).isEqualTo(VALUE);
    }

    @Test
    void releasePinAndUnpinOfAnotherUsersObjectAreRefused() {
        int map = rootsMapWithOneEntry();
        root.pin(Kind.MAP, map, "roots");
        Path rootsPin = bpffs.path().resolve("roots");

        expectRefused(() -> client.release(Kind.MAP, map));
        expectRefused(() -> client.pin(Kind.MAP, map, "stolen"));
        expectRefused(() -> client.unpin(Kind.MAP, map, "roots"));

        assertThat(Files.exists(rootsPin)).as("root's pin").isTrue();
        assertThat(Files.exists(bpffs.path().resolve("stolen"))).as("a pin made for the attacker").isFalse();
        root.unpin(Kind.MAP, map, "roots");
        assertThat(KernelIds.exists(ObjectKind.MAP, map)).as("the daemon still holds root's map").isTrue();
    }

    @Test
    void releasingAnotherUsersGroupIsRefusedAndLeavesEveryMember() {
        LoadedObject roots = root.loadObject(LoadObjectRequest.of("roots", BpfTestObjects.bytes("xdp_count")));

        expectRefused(() -> client.releaseGroup(roots.group(), 0));
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> client.releaseGroup(roots.group()));

        for (BpfObject member : roots.objects()) {
            assertThat(KernelIds.exists(kernelKind(member.kind()), (int) member.id())).as("%s", member).isTrue();
            assertThat(root.get(member.kind(), member.id())).isNotNull();
        }
    }

    @Test
    void attachingAnotherUsersProgramIsRefusedAndLinksNothing() {
        Counters.Loaded getpid = Counters.load(root,
                Counters.countingThisThread("getpid", "getpid_tracepoint"), "getpid_tracepoint");

        expectRefused(() -> client.attach(AttachRequest.tracepoint(getpid.program().id(), "syscalls",
                "sys_enter_getpid")));

        assertThat(linksOf(getpid.program().id())).isZero();
    }

    @Test
    void detachingAnotherUsersLinkIsRefusedAndLeavesItAttached() {
        Counters.Loaded getpid = Counters.load(root,
                Counters.countingThisThread("getpid", "getpid_tracepoint"), "getpid_tracepoint");
        BpfObject link = root.attach(AttachRequest.tracepoint(getpid.program().id(), "syscalls",
                "sys_enter_getpid"));

        expectRefused(() -> client.detach(Kind.LINK, link.id()));
        expectRefused(() -> client.release(Kind.LINK, link.id()));

        assertThat(Bpftool.linkShow((int) link.id()).get("prog_id").asLong()).isEqualTo(getpid.program().id());
    }

    @Test
    void testRunOfAnotherUsersProgramIsRefusedAndRunsNothing() {
        Counters.Loaded xdp = Counters.load(root, LoadObjectRequest.of("xdp", BpfTestObjects.bytes("xdp_count")),
                "xdp_count");
        root.testRun(xdp.program().id(), PACKET, 1L);
        assertThat(Counters.readWithBpftool(xdp.counter())).isEqualTo(1);

        expectRefused(() -> client.testRun(xdp.program().id(), PACKET, 10L));

        assertThat(Counters.readWithBpftool(xdp.counter())).as("runs counted by root's program").isEqualTo(1);
    }

    private int rootsMapWithOneEntry() {
        int map = (int) root.createMap(CreateMapRequest.of("roots", "hash", 4, 4, 8)).id();
        root.mapUpdate(map, KEY, VALUE, null);
        return map;
    }

    private void expectRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        var refused = expectError(BpfkeeperInterface.PERMISSION_DENIED, call);
        assertThat(refused.parameters().get("callerUid").asInt()).isEqualTo(attacker.uid());
    }

    private static long linksOf(long programId) {
        return StreamSupport.stream(Bpftool.json("link", "list").spliterator(), false)
                .filter(link -> link.path("prog_id").asLong() == programId).count();
    }

    private static ObjectKind kernelKind(Kind kind) {
        return kind == Kind.MAP ? ObjectKind.MAP : ObjectKind.PROGRAM;
    }
}
