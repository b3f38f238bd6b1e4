package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The IDL type {@code Policy}: what a caller may do, as GetPolicy returns it.
 *
 * @param sources for each grant, the rule that set it, or "the default policy"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Policy(long uid, List<String> mapTypes, List<String> programTypes, List<String> hooks,
        boolean ownedNetns, List<String> netnsNames, boolean delegatedCgroups, List<String> cgroupPaths,
        String pinPrefix, boolean adoptForeign, boolean inspectHost, boolean fullVerifier, Limits limits,
        Map<String, String> sources) {

    /** The IDL type {@code PolicyLimits}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Limits(long objects, long lockedMemoryBytes, long connections, long callsInFlight,
            long fdStoreSlots) {
    }
}
