package io.bpfkeeper.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {

    private static final Caller USER = new Caller(4242, 4242, Set.of(4242, 777));
    private static final Caller ROOT = new Caller(0, 0, Set.of());

    @TempDir
    Path dir;

    @Test
    void theDefaultAllowsNetworkingAndRefusesTracingNamingTheDefaultAndTheGrant() {
        Policy policy = Policy.DEFAULT;
        assertThat(policy.decide(USER, new Request.LoadPrograms(Set.of("xdp", "cgroup_skb"))))
                .isEqualTo(Decision.ALLOW);
        Decision tracing = policy.decide(USER, new Request.LoadPrograms(Set.of("tracepoint")));
        assertThat(tracing).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.refusedBy()).isEqualTo("the default policy");
            assertThat(deny.grant()).isEqualTo("programTypes: [tracepoint]");
            assertThat(deny.message()).contains("uid 4242 may not load tracepoint programs");
        });
        assertThat(policy.decide(ROOT, new Request.LoadPrograms(Set.of("kprobe")))).isEqualTo(Decision.ALLOW);
    }

    @Test
    void theDefaultAttachesOnlyInOwnedNamespacesAndDelegatedCgroups() {
        Policy policy = Policy.DEFAULT;
        assertThat(policy.decide(USER, attachXdp(new Request.Netns("mine", "mine", 4242)))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, attachXdp(new Request.Netns("roots", "roots", 0))))
                .isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Attach("cgroup", null,
                new Request.CgroupTarget("/sys/fs/cgroup/user.slice/x", 4242)))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Attach("cgroup", null,
                new Request.CgroupTarget("/sys/fs/cgroup/system.slice", 0)))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Attach("tracepoint", null, null)))
                .isInstanceOfSatisfying(Decision.Deny.class, deny -> assertThat(deny.grant())
                        .isEqualTo("hooks: [tracepoint]"));
    }

    @Test
    void theDefaultPinsUnderTheCallersPrefixAndCountsLimits() {
        Policy policy = Policy.DEFAULT;
        assertThat(policy.decide(USER, new Request.Pin("users/4242/app/map"))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Pin("users/42420/map"))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Pin("app/map"))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Own(1, 1023, 0, 0, 0))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Own(1, 1024, 0, 0, 0))).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.reason()).isEqualTo("limits.objects"));
        assertThat(policy.decide(USER, new Request.Connect(31))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Connect(32))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Call(8))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.AdoptForeign("map 1"))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Inspect("map 1"))).isInstanceOf(Decision.Deny.class);
    }

    /**
     * Each uid gets 1,024 entries of systemd's fd store by default, a sixteenth of the unit's
     * FileDescriptorStoreMax=16384; a rule changes it, root has no share but the store's size.
     */
    @Test
    void theFdStoreSlotsOfAUidAreBoundedByDefaultAndByARule() throws Exception {
        assertThat(Policy.DEFAULT.decide(USER, new Request.Own(1, 0, 0, 1, 1023))).isEqualTo(Decision.ALLOW);
        assertThat(Policy.DEFAULT.decide(USER, new Request.Own(1, 0, 0, 1, 1024)))
                .isInstanceOfSatisfying(Decision.Deny.class, deny -> {
                    assertThat(deny.reason()).isEqualTo("limits.fdStoreSlots");
                    assertThat(deny.grant()).isEqualTo("limits: {fdStoreSlots: 1025}");
                    assertThat(deny.message()).contains("uid 4242 has 1024 objects in systemd's fd store and may have"
                            + " at most 1024 there");
                });
        assertThat(Policy.DEFAULT.decide(USER, new Request.Own(2, 0, 0, 0, 5000)))
                .as("objects that go to no entry, such as pinned ones").isEqualTo(Decision.ALLOW);
        assertThat(Policy.DEFAULT.decide(USER, new Request.Own(0, 0, 1L << 40, 1, 0)))
                .as("an unpin adds no object, so locked memory does not count").isEqualTo(Decision.ALLOW);
        assertThat(Policy.DEFAULT.decide(ROOT, new Request.Own(1, 0, 0, 1, 1_000_000))).isEqualTo(Decision.ALLOW);

        write("50-slots.yaml", """
                rules:
                  - name: few-slots
                    match: {user: "4242"}
                    limits: {fdStoreSlots: 2}
                """);
        Policy policy = Policy.load(dir);
        assertThat(policy.decide(USER, new Request.Own(1, 0, 0, 1, 1))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Own(3, 0, 0, 2, 1))).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.refusedBy()).isEqualTo("rule \"few-slots\" of 50-slots.yaml"));
        assertThat(policy.grantsFor(USER).limits().objects()).as("the other limits stay").isEqualTo(1024);
    }

    @Test
    void aRuleGrantsByGroupAndALaterFileOverridesAnEarlierOne() throws Exception {
        write("10-tracing.yaml", """
                rules:
                  - name: tracers
                    match: {group: "777"}
                    programTypes: [default, tracepoint]
                    hooks: [default, tracepoint]
                    limits: {objects: 5}
                """);
        write("20-no-tracing.yaml", """
                rules:
                  - name: not-this-one
                    match: {user: "4242"}
                    programTypes: [default]
                """);
        Policy policy = Policy.load(dir);
        Decision refused = policy.decide(USER, new Request.LoadPrograms(Set.of("tracepoint")));
        assertThat(refused).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.refusedBy()).isEqualTo("rule \"not-this-one\" of 20-no-tracing.yaml"));
        assertThat(policy.decide(USER, new Request.Attach("tracepoint", null, null))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Own(1, 5, 0, 0, 0))).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.refusedBy()).isEqualTo("rule \"tracers\" of 10-tracing.yaml"));
        Caller other = new Caller(5000, 5000, Set.of());
        assertThat(policy.decide(other, new Request.Own(1, 5, 0, 0, 0))).isEqualTo(Decision.ALLOW);

        Files.delete(dir.resolve("20-no-tracing.yaml"));
        assertThat(Policy.load(dir).decide(USER, new Request.LoadPrograms(Set.of("tracepoint"))))
                .isEqualTo(Decision.ALLOW);
    }

    @Test
    void namedNamespacesAndCgroupsAreGrantedByGlob() throws Exception {
        write("50.yaml", """
                rules:
                  - match: {user: root}
                    adoptForeign: true
                  - match: {user: 4242}
                    netns: {owned: false, named: ["app-*"]}
                    cgroups: {paths: ["/sys/fs/cgroup/app.slice/**"]}
                    pinPrefix: shared/
                """);
        Policy policy = Policy.load(dir);
        assertThat(policy.decide(USER, attachXdp(new Request.Netns("app-1", "app-1", 0)))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, attachXdp(new Request.Netns("mine", "mine", 4242))))
                .isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(USER, new Request.Attach("cgroup", null,
                new Request.CgroupTarget("/sys/fs/cgroup/app.slice/a/b", 0)))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Pin("shared/x"))).isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(USER, new Request.Pin("users/4242/x"))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void aBadFileNamesTheFileTheLineAndTheField() throws Exception {
        assertBad("rules:\n  - match: {user: \"4242\"}\n    programTypes: [xdp, kprobes]\n",
                ":3: rules[0].programTypes[1]: unknown program type \"kprobes\"");
        assertBad("rules:\n  - match: {user: \"4242\"}\n\n    adoptForeing: true\n",
                ":4: rules[0].adoptForeing: unknown field \"adoptForeing\"");
        assertBad("rules:\n  - match: {user: \"4242\"}\n    inspectHost: \"yes\"\n", ":3: rules[0].inspectHost: ");
        assertBad("rules:\n  - match: {user: \"4242\"}\n    netns: {named: [\"app-[\"]}\n",
                ":3: rules[0].netns.named[0]: bad glob \"app-[\"");
        assertBad("rules:\n  - match: {user: \"4242\"}\n    hooks: [xdp, uprobe]\n",
                ":3: rules[0].hooks[1]: unknown hook \"uprobe\"");
        assertBad("rules:\n  - match: {user: \"4242\"}\n    mapTypes: [hashmap]\n",
                ":3: rules[0].mapTypes[0]: unknown map type \"hashmap\"");
        assertBad("rules:\n  - match: {user: no-such-user-here}\n", ":2: rules[0].match: no user no-such-user-here");
        assertBad("rules:\n  - match: {user: \"1\", group: \"1\"}\n", "rules[0].match: give exactly one");
        assertBad("rules:\n  - match: {user: \"4242\"}\n    limits: {objects: many}\n",
                ":3: rules[0].limits.objects: ");
        assertBad("rules:\n  - match: {user: \"4242\"}\n  - name: nobody\n    adoptForeign: true\n",
                ":3: rules[1].match: every rule needs a match");
        assertBad("rules: [\n  - {\n", "not valid YAML");
    }

    private void assertBad(String yaml, String expected) throws IOException {
        Path file = write("30-bad.yaml", yaml);
        assertThatThrownBy(() -> Policy.load(dir)).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    private static Request.Attach attachXdp(Request.Netns netns) {
        return new Request.Attach("xdp", netns, null);
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
