package io.bpfkeeper.daemon.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** One rule of a policy file: whom it matches, and the grants it sets for them. */
record Rule(String source, PolicyFile.RuleSpec spec) {

    boolean matches(Caller caller) {
        return spec.match().matches(caller);
    }

    /** {@code grants} with what this rule sets in place of what was there; the rest is kept. */
    Grants applyTo(Grants grants) {
        Map<String, String> sources = new LinkedHashMap<>(grants.sources());
        Set<String> mapTypes = names(spec.mapTypes(), PolicyFile.MapTypeName::value, Grants.DEFAULT_MAP_TYPES,
                grants.mapTypes(), "mapTypes", sources);
        Set<String> programTypes = names(spec.programTypes(), PolicyFile.ProgramTypeName::value,
                Grants.DEFAULT_PROGRAM_TYPES, grants.programTypes(), "programTypes", sources);
        Set<String> hooks = names(spec.hooks(), PolicyFile.HookName::value, Grants.DEFAULT_HOOKS, grants.hooks(),
                "hooks", sources);
        boolean ownedNetns = grants.ownedNetns();
        List<String> netnsNames = grants.netnsNames();
        if (spec.netns() != null) {
            sources.put("netns", source);
            ownedNetns = spec.netns().owned() != null ? spec.netns().owned() : ownedNetns;
            netnsNames = spec.netns().named() != null ? globs(spec.netns().named()) : netnsNames;
        }
        boolean delegatedCgroups = grants.delegatedCgroups();
        List<String> cgroupPaths = grants.cgroupPaths();
        if (spec.cgroups() != null) {
            sources.put("cgroups", source);
            delegatedCgroups = spec.cgroups().delegated() != null ? spec.cgroups().delegated() : delegatedCgroups;
            cgroupPaths = spec.cgroups().paths() != null ? globs(spec.cgroups().paths()) : cgroupPaths;
        }
        String pinPrefix = grants.pinPrefix();
        if (spec.pinPrefix() != null) {
            sources.put("pinPrefix", source);
            pinPrefix = spec.pinPrefix().value();
        }
        boolean adoptForeign = flag(spec.adoptForeign(), grants.adoptForeign(), "adoptForeign", sources);
        boolean inspectHost = flag(spec.inspectHost(), grants.inspectHost(), "inspectHost", sources);
        boolean fullVerifier = flag(spec.fullVerifier(), grants.fullVerifier(), "fullVerifier", sources);
        Limits limits = grants.limits();
        if (spec.limits() != null) {
            sources.put("limits", source);
            PolicyFile.LimitsSpec set = spec.limits();
            limits = new Limits(set.objects() != null ? set.objects() : limits.objects(),
                    set.lockedMemoryBytes() != null ? set.lockedMemoryBytes() : limits.lockedMemoryBytes(),
                    set.connections() != null ? set.connections() : limits.connections(),
                    set.callsInFlight() != null ? set.callsInFlight() : limits.callsInFlight(),
                    set.fdStoreSlots() != null ? set.fdStoreSlots() : limits.fdStoreSlots());
        }
        return new Grants(mapTypes, programTypes, hooks, ownedNetns, netnsNames, delegatedCgroups, cgroupPaths,
                pinPrefix, adoptForeign, inspectHost, fullVerifier, limits, sources);
    }

    /** A list replaces the one before; "default" in it stands for the default policy's names. */
    private <T> Set<String> names(List<T> given, Function<T, String> name, Set<String> defaults, Set<String> before,
            String grant, Map<String, String> sources) {
        if (given == null) {
            return before;
        }
        sources.put(grant, source);
        Set<String> names = new java.util.TreeSet<>();
        for (T each : given) {
            String value = name.apply(each);
            if (value.equals("default")) {
                names.addAll(defaults);
            } else {
                names.add(value);
            }
        }
        return names;
    }

    private boolean flag(Boolean given, boolean before, String grant, Map<String, String> sources) {
        if (given == null) {
            return before;
        }
        sources.put(grant, source);
        return given;
    }

    private static List<String> globs(List<PolicyFile.Glob> globs) {
        List<String> values = new ArrayList<>();
        globs.forEach(glob -> values.add(glob.value()));
        return values;
    }
}
