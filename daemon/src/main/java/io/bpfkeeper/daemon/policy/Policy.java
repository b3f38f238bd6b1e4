package io.bpfkeeper.daemon.policy;

import io.bpfkeeper.daemon.kernel.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Who may do what: deny by default, decided in one place. Root may do everything. Any other caller
 * gets the default policy, with the rules that match it applied over it in file order: files in
 * lexical order, rules in the order of each file, a later rule overriding what an earlier one set.
 */
public final class Policy {

    /** The default policy alone: what a daemon without policy files enforces. */
    public static final Policy DEFAULT = new Policy(List.of(), List.of());

    private final List<Rule> rules;
    private final List<Path> files;

    private Policy(List<Rule> rules, List<Path> files) {
        this.rules = List.copyOf(rules);
        this.files = List.copyOf(files);
    }

    /**
     * Reads every {@code *.yaml} and {@code *.yml} file of {@code directory}, in lexical order. A
     * missing directory is the default policy; one bad file makes the whole policy bad.
     */
    public static Policy load(Path directory) throws PolicyException {
        List<Path> files;
        try (Stream<Path> entries = Files.list(directory)) {
            files = entries.filter(Policy::isPolicyFile).sorted().toList();
        } catch (NoSuchFileException e) {
            return DEFAULT;
        } catch (IOException e) {
            throw new PolicyException(directory + ": cannot list it: " + e.getMessage());
        }
        List<Rule> rules = new ArrayList<>();
        for (Path file : files) {
            rules.addAll(PolicyFile.read(file));
        }
        return new Policy(rules, files);
    }

    private static boolean isPolicyFile(Path path) {
        String name = path.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(path);
    }

    /** The files this policy was read from, in the order they apply. */
    public List<Path> files() {
        return files;
    }

    public int ruleCount() {
        return rules.size();
    }

    /** What {@code caller} may do. */
    public Grants grantsFor(Caller caller) {
        if (caller.isRoot()) {
            return Grants.everything();
        }
        Grants grants = Grants.defaults();
        for (Rule rule : rules) {
            if (rule.matches(caller)) {
                grants = rule.applyTo(grants);
            }
        }
        return grants;
    }

    /** The one place that decides whether {@code caller} may do what it asks. */
    public Decision decide(Caller caller, Request request) {
        if (caller.isRoot()) {
            return Decision.ALLOW;
        }
        return decide(caller, grantsFor(caller), request);
    }

    static Decision decide(Caller caller, Grants grants, Request request) {
        String who = "uid " + caller.uid();
        if (request instanceof Request.CreateMap map) {
            return grants.allowsMapType(map.mapType()) ? Decision.ALLOW
                    : deny(who + " may not create " + map.mapType() + " maps", grants, "mapTypes",
                            "mapTypes: [" + map.mapType() + "]");
        }
        if (request instanceof Request.LoadPrograms load) {
            Set<String> refused = new TreeSet<>();
            load.programTypes().stream().filter(type -> !grants.allowsProgramType(type)).forEach(refused::add);
            return refused.isEmpty() ? Decision.ALLOW
                    : deny(who + " may not load " + String.join(", ", refused) + " programs", grants, "programTypes",
                            "programTypes: [" + String.join(", ", refused) + "]");
        }
        if (request instanceof Request.Attach attach) {
            return decideAttach(who, caller, grants, attach);
        }
        if (request instanceof Request.Pin pin) {
            String prefix = grants.pinPrefixFor(caller.uid());
            return pin.relativePath().startsWith(prefix) ? Decision.ALLOW
                    : deny(who + " may pin only under " + prefix + " of the pin root, not at " + pin.relativePath(),
                            grants, "pinPrefix", "a pinPrefix that holds " + pin.relativePath());
        }
        if (request instanceof Request.AdoptForeign adopt) {
            return grants.adoptForeign() ? Decision.ALLOW
                    : deny(who + " may not adopt " + adopt.what() + ", which it did not make", grants, "adoptForeign",
                            "adoptForeign: true");
        }
        if (request instanceof Request.Inspect inspect) {
            return grants.inspectHost() ? Decision.ALLOW
                    : deny(who + " may not inspect " + inspect.what() + ", which is not its own", grants,
                            "inspectHost", "inspectHost: true");
        }
        if (request instanceof Request.Own own) {
            Limits limits = grants.limits();
            if ((long) own.held() + own.adding() > limits.objects()) {
                return deny(who + " holds " + own.held() + " objects and may hold at most " + limits.objects(),
                        grants, "limits", "limits: {objects: " + (own.held() + own.adding()) + "}", "limits.objects");
            }
            if (own.adding() > 0 && own.lockedMemoryBytes() >= limits.lockedMemoryBytes()) {
                return deny(who + " holds " + own.lockedMemoryBytes() + " bytes of locked memory and may hold at most "
                        + limits.lockedMemoryBytes(), grants, "limits", "a higher limits.lockedMemoryBytes",
                        "limits.lockedMemoryBytes");
            }
            if (own.storeSlotsAdding() > 0
                    && (long) own.storeSlotsHeld() + own.storeSlotsAdding() > limits.fdStoreSlots()) {
                return deny(who + " has " + own.storeSlotsHeld() + " objects in systemd's fd store and may have at most "
                        + limits.fdStoreSlots() + " there, where unpinned daemon-lifetime objects wait out a restart of"
                        + " the daemon; pin them, or make them session-lifetime", grants, "limits",
                        "limits: {fdStoreSlots: " + (own.storeSlotsHeld() + own.storeSlotsAdding()) + "}",
                        "limits.fdStoreSlots");
            }
            return Decision.ALLOW;
        }
        if (request instanceof Request.Connect connect) {
            return connect.open() < grants.limits().connections() ? Decision.ALLOW
                    : deny(who + " has " + connect.open() + " connections open and may have at most "
                            + grants.limits().connections(), grants, "limits", "a higher limits.connections",
                            "limits.connections");
        }
        Request.Call call = (Request.Call) request;
        return call.inFlight() < grants.limits().callsInFlight() ? Decision.ALLOW
                : deny(who + " has " + call.inFlight() + " calls running and may have at most "
                        + grants.limits().callsInFlight(), grants, "limits", "a higher limits.callsInFlight",
                        "limits.callsInFlight");
    }

    private static Decision decideAttach(String who, Caller caller, Grants grants, Request.Attach attach) {
        if (!grants.allowsHook(attach.hook())) {
            return deny(who + " may not attach to " + attach.hook() + " hooks", grants, "hooks",
                    "hooks: [" + attach.hook() + "]");
        }
        Request.Netns netns = attach.netns();
        if (netns != null && !(grants.ownedNetns() && netns.ownerUid() == caller.uid())
                && !grants.allowsNetnsName(netns.namedUnderRunNetns())) {
            return deny(who + " may not attach in network namespace " + netns.name() + ", which it does not own",
                    grants, "netns", netns.namedUnderRunNetns() != null
                            ? "netns: {named: [" + netns.namedUnderRunNetns() + "]}" : "netns: {owned: true} in a"
                                    + " namespace of its own user namespace");
        }
        Request.CgroupTarget cgroup = attach.cgroup();
        if (cgroup != null && !(grants.delegatedCgroups() && cgroup.ownerUid() == caller.uid())
                && !grants.allowsCgroupPath(cgroup.path())) {
            return deny(who + " may not attach to cgroup " + cgroup.path() + ", which is not delegated to it", grants,
                    "cgroups", "cgroups: {paths: [" + cgroup.path() + "]}");
        }
        return Decision.ALLOW;
    }

    private static Decision deny(String what, Grants grants, String grantName, String wouldAllow) {
        return deny(what, grants, grantName, wouldAllow, grantName);
    }

    private static Decision deny(String what, Grants grants, String grantName, String wouldAllow, String reason) {
        return new Decision.Deny(what, grants.source(grantName), wouldAllow, reason);
    }

    /**
     * The effective capabilities to load {@code programTypes} with for {@code caller}: empty to keep
     * the daemon's own, which root, a {@code fullVerifier} grant and granted tracing types get;
     * otherwise CAP_BPF, and CAP_NET_ADMIN for networking types, so that the verifier treats the
     * programs as an unprivileged loader's (no pointer leaks, Spectre mitigations on).
     */
    public OptionalLong loaderCapabilities(Caller caller, Set<String> programTypes) {
        if (caller.isRoot()) {
            return OptionalLong.empty();
        }
        Grants grants = grantsFor(caller);
        if (grants.fullVerifier() || programTypes.stream().anyMatch(Grants.TRACING_PROGRAM_TYPES::contains)) {
            return OptionalLong.empty();
        }
        long keep = Capabilities.bit(Capabilities.CAP_BPF);
        if (programTypes.stream().anyMatch(type -> !type.equals("socket_filter"))) {
            keep |= Capabilities.bit(Capabilities.CAP_NET_ADMIN);
        }
        return OptionalLong.of(keep);
    }
}
