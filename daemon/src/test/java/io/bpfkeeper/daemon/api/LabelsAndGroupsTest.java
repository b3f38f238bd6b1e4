package io.bpfkeeper.daemon.api;

import static io.bpfkeeper.daemon.testing.CallErrors.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.MapSpec;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.DaemonWithAttacker;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadProgramRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Labels as an unprivileged member of the socket's group sets them: bounded, never under the
 * daemon's prefix bpfkeeper.io/, and a group is its owner's, so that another user's objects that
 * carry the same group name neither stop its release nor go with it.
 */
@KernelTest
class LabelsAndGroupsTest extends DaemonWithAttacker {

    private static final String SOCKET_FILTER_EXIT_0 = "b700000000000000" + "9500000000000000";

    @Test
    void aClientCannotSetTheDaemonsLabels() {
        Map<String, String> squat = Map.of("bpfkeeper.io/group", "victim-1");
        refused("labels.bpfkeeper.io/group", "bpfkeeper.io/",
                () -> client.createMap(CreateMapRequest.of("squat", "array", 4, 4, 1).withLabels(squat)));
        refused("labels.BPFKEEPER.IO/group", "bpfkeeper.io/", () -> client.createMap(
                CreateMapRequest.of("squat", "array", 4, 4, 1).withLabels(Map.of("BPFKEEPER.IO/group", "victim-1"))));
        refused("labels.bpfkeeper.io/group", "bpfkeeper.io/", () -> client.loadProgram(
                LoadProgramRequest.of("squat", "socket_filter", SOCKET_FILTER_EXIT_0, "GPL").withLabels(squat)));
        refused("labels.bpfkeeper.io/group", "bpfkeeper.io/", () -> client.loadObject(
                LoadObjectRequest.of("squat", BpfTestObjects.bytes("globals")).withLabels(squat)));
        refused("labels.bpfkeeper.io/group", "bpfkeeper.io/",
                () -> client.adopt(AdoptRequest.byPath("anything").withLabels(squat)));

        assertThat(kernelNames("map")).noneMatch(name -> name.startsWith("squat"));
        assertThat(kernelNames("prog")).doesNotContain("squat");
        assertThat(client.list(null, null)).isEmpty();
    }

    @Test
    void labelsAreBoundedAndEachBoundIsNamed() {
        refused("labels", "at most 64", () -> create("count65", labels(65, 1, 1)));
        refused("labels." + "k".repeat(200), "1 to 253",
                () -> create("key254", Map.of("k".repeat(254), "v")));
        refused("labels.big", "at most 1024", () -> create("value1025", Map.of("big", "v".repeat(1025))));
        refused("labels", "at most 16384 bytes", () -> create("total16385", totalBytes(16385)));
        refused("labels.a=b", "no '='", () -> create("equals", Map.of("a=b", "v")));
        refused("labels.app", "control character", () -> create("newline", Map.of("app", "a\nb")));
        assertThat(kernelNames("map")).doesNotContain("count65", "key254", "value1025", "total16385", "equals",
                "newline");

        // Up to each bound, the labels are taken as they are.
        assertThat(create("count64", labels(64, 1, 1)).labels()).hasSize(64);
        assertThat(create("key253", Map.of("k".repeat(253), "v".repeat(1024))).labels())
                .containsEntry("k".repeat(253), "v".repeat(1024));
        assertThat(create("total16384", totalBytes(16384)).labels()).isEqualTo(totalBytes(16384));
        assertThat(kernelNames("map")).contains("count64", "key253", "total16384");
    }

    @Test
    void aGroupIsItsOwnersAndItsName() throws Exception {
        LoadedObject roots = root.loadObject(LoadObjectRequest.of("grouped", BpfTestObjects.bytes("globals")));
        String group = roots.group();
        // What a daemon before the bpfkeeper.io/ prefix was its own let a client do, and what its
        // journal hands back after an upgrade: the attacker's map in root's group.
        BpfMap squatted = BpfMap.create(new MapSpec("squatted", MapType.ARRAY, 4, 4, 1, 0));
        daemon.daemon().registry().add(new OwnedObject.FdHeld(Kind.MAP, squatted, "squatted", "array",
                new Owner(attacker.uid(), attacker.gid(), 1), Lifetime.DAEMON, 0,
                Map.of(ObjectLoadMethods.GROUP_LABEL, group), Instant.now()));
        LoadedObject attackers = client.loadObject(LoadObjectRequest.of("theirs", BpfTestObjects.bytes("globals")));

        expectError(BpfkeeperInterface.PERMISSION_DENIED, () -> client.releaseGroup(group, 0));
        expectError(BpfkeeperInterface.INVALID_ARGUMENT, () -> root.releaseGroup(attackers.group()));
        root.releaseGroup(group);

        for (BpfObject object : roots.objects()) {
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(kernelKind(object), (int) object.id()),
                    object.kind().wireName() + " " + object.id() + " of root's group is freed");
        }
        assertThat(KernelIds.exists(ObjectKind.MAP, squatted.id())).isTrue();
        assertThat(root.get(Kind.MAP, squatted.id()).owner().uid()).isEqualTo(attacker.uid());

        // The attacker's own group of that name is its squatted map alone; root may release
        // another uid's group by naming its owner.
        client.releaseGroup(group);
        root.releaseGroup(attackers.group(), attacker.uid());
        Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, squatted.id()),
                "the squatted map is freed");
        for (BpfObject object : attackers.objects()) {
            Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(kernelKind(object), (int) object.id()),
                    object.kind().wireName() + " " + object.id() + " of the attacker's group is freed");
        }
        assertThat(root.list(null, null)).isEmpty();
    }

    private BpfObject create(String name, Map<String, String> labels) {
        return client.createMap(CreateMapRequest.of(name, "array", 4, 4, 1).withLabels(labels));
    }

    private static void refused(String parameter, String message, ThrowingCallable call) {
        VarlinkCallException failure = expectError(BpfkeeperInterface.INVALID_ARGUMENT, call);
        assertThat(failure.parameters().get("parameter").asText()).startsWith(parameter);
        assertThat(failure.parameters().get("message").asText()).contains(message);
    }

    private static Map<String, String> labels(int count, int keyChars, int valueChars) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            labels.put("k" + i + "x".repeat(Math.max(0, keyChars - 1)), "v".repeat(valueChars));
        }
        return labels;
    }

    /** Sixteen labels of three-character keys, whose keys and values take {@code bytes} in all. */
    private static Map<String, String> totalBytes(int bytes) {
        Map<String, String> labels = new LinkedHashMap<>();
        int each = bytes / 16;
        for (int i = 0; i < 16; i++) {
            String key = String.format("k%02d", i);
            labels.put(key, "v".repeat(each - key.length() + (i == 0 ? bytes % 16 : 0)));
        }
        return labels;
    }

    private static List<String> kernelNames(String kind) {
        JsonNode objects = Bpftool.json(kind, "list");
        return StreamSupport.stream(objects.spliterator(), false).map(object -> object.path("name").asText()).toList();
    }

    private static ObjectKind kernelKind(BpfObject object) {
        return object.kind() == Kind.MAP ? ObjectKind.MAP : ObjectKind.PROGRAM;
    }
}
