package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.Owner;
import io.bpfkeeper.protocol.types.SystemObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspectViewsTest {

    @Test
    void explainListsEachHolderUnderAHeader() {
        Explanation explanation = new Explanation(false, List.of(
                new Holder(HolderType.PROCESS, "process 812 (agent) holds fd 7 until it closes fd 7 or exits", 812L,
                        "agent", 7L, null, null, null),
                new Holder(HolderType.PIN, "pinned at /sys/fs/bpf/x until ...", null, null, null, "/sys/fs/bpf/x",
                        null, null)), "verdict");

        assertThat(InspectViews.holderRows(explanation)).containsExactly(
                List.of("HOLDER", "DESCRIPTION"),
                List.of("process", "process 812 (agent) holds fd 7 until it closes fd 7 or exits"),
                List.of("pin", "pinned at /sys/fs/bpf/x until ..."));
    }

    @Test
    void psMarksOwnedObjectsAndSaysWhatEachUses() {
        List<SystemObject> objects = List.of(
                new SystemObject(Kind.PROGRAM, 17, "xdp_count", "xdp", false, null, null, List.of(28L, 29L), 0L,
                        null, null),
                new SystemObject(Kind.MAP, 28, "counter", "array", true, new Owner(1000, 1000, 42), Lifetime.DAEMON,
                        null, null, null, null),
                new SystemObject(Kind.LINK, 3, "", "cgroup", false, null, null, null, null, 17L,
                        "cgroup 1234 cgroup_inet_ingress"));

        assertThat(InspectViews.psRows(objects)).containsExactly(
                List.of("KIND", "ID", "TYPE", "NAME", "OWNED", "OWNER", "LIFETIME", "USES"),
                List.of("program", "17", "xdp", "xdp_count", "no", "-", "-", "maps 28,29"),
                List.of("map", "28", "array", "counter", "yes", "uid 1000", "daemon", "-"),
                List.of("link", "3", "cgroup", "-", "no", "-", "-", "program 17 at cgroup 1234 cgroup_inet_ingress"));
    }
}
