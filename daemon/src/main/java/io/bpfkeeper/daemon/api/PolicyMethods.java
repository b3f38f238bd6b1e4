package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.policy.Grants;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.protocol.types.Policy;
import java.util.List;
import java.util.Map;

/** GetPolicy: what the caller may do. */
final class PolicyMethods {

    private final ApiContext api;

    PolicyMethods(ApiContext api) {
        this.api = api;
    }

    List<Method> methods() {
        return List.of(Method.onEventLoop("GetPolicy", this::getPolicy));
    }

    private void getPolicy(CallContext call) {
        Grants grants = api.authorization().grants(call.connection());
        call.reply(Map.of("policy", new Policy(call.connection().uid(), sorted(grants.mapTypes()),
                sorted(grants.programTypes()), sorted(grants.hooks()), grants.ownedNetns(), grants.netnsNames(),
                grants.delegatedCgroups(), grants.cgroupPaths(), grants.pinPrefixFor(call.connection().uid()),
                grants.adoptForeign(), grants.inspectHost(), grants.fullVerifier(),
                new Policy.Limits(grants.limits().objects(), grants.limits().lockedMemoryBytes(),
                        grants.limits().connections(), grants.limits().callsInFlight(),
                        grants.limits().fdStoreSlots()),
                grants.sources())));
    }

    private static List<String> sorted(java.util.Set<String> names) {
        return names.stream().sorted().toList();
    }
}
