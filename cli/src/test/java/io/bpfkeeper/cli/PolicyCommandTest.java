package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.BpfkeeperInterface;
import org.junit.jupiter.api.Test;

class PolicyCommandTest extends CliTest {
    private static final String POLICY = """
            {"policy":{"uid":1000,"mapTypes":["array","hash"],"programTypes":["tracepoint","xdp"],
              "hooks":["tracepoint","xdp"],"ownedNetns":true,"netnsNames":["app-*"],"delegatedCgroups":true,
              "cgroupPaths":[],"pinPrefix":"users/1000/","adoptForeign":false,"inspectHost":false,
              "fullVerifier":false,
              "limits":{"objects":1024,"lockedMemoryBytes":268435456,"connections":32,"callsInFlight":8,
                "fdStoreSlots":1024},
              "sources":{"mapTypes":"the default policy","programTypes":"rule \\"tracers\\" of 10-t.yaml",
                "hooks":"rule \\"tracers\\" of 10-t.yaml","netns":"the default policy",
                "cgroups":"the default policy","pinPrefix":"the default policy",
                "adoptForeign":"the default policy","inspectHost":"the default policy",
                "fullVerifier":"the default policy","limits":"the default policy"}}}
            """;

    @Test
    void policyShowsEachGrantAndTheRuleThatSetIt() {
        daemon.answer(BpfkeeperInterface.GET_POLICY, POLICY);

        String out = bpfkeeper("policy").out();

        assertThat(out).contains("program types:  tracepoint xdp", "rule \"tracers\" of 10-t.yaml",
                "netns:          owned app-*", "pin prefix:     users/1000/", "adopt foreign:  false",
                "calls in flight 8, fd store slots 1024");
        assertThat(bpfkeeper("--json", "policy").out()).contains("\"programTypes\":[\"tracepoint\",\"xdp\"]");
    }
}
