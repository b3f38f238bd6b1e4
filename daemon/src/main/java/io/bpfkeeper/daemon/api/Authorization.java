package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.Capabilities;
import io.bpfkeeper.daemon.policy.Caller;
import io.bpfkeeper.daemon.policy.Decision;
import io.bpfkeeper.daemon.policy.Grants;
import io.bpfkeeper.daemon.policy.PolicyStore;
import io.bpfkeeper.daemon.policy.Refusals;
import io.bpfkeeper.daemon.policy.Request;
import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.FdStoreRoom;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.ConnectionObserver;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.MethodHandler;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Enforces the policy: every io.bpfkeeper call passes {@link #guard} before its handler runs, and
 * every new owned object passes {@link #requireRoomFor}. What is allowed is decided by
 * {@link io.bpfkeeper.daemon.policy.Policy#decide} alone; this class only asks it, and turns a
 * refusal into PermissionDenied.
 */
final class Authorization implements ConnectionObserver {

    private final PolicyStore policies;
    private final Usage usage;
    private final Supplier<FdStoreRoom> fdStoreRoom;
    private final Refusals refusals;
    private final Map<Integer, Integer> openConnections = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> callsInFlight = new ConcurrentHashMap<>();
    /** Connections past their uid's limit: every call on them gets this refusal. */
    private final Map<Long, Decision.Deny> refusedConnections = new ConcurrentHashMap<>();

    Authorization(PolicyStore policies, Usage usage, Supplier<FdStoreRoom> fdStoreRoom, Refusals refusals) {
        this.policies = policies;
        this.usage = usage;
        this.fdStoreRoom = fdStoreRoom;
        this.refusals = refusals;
    }

    static Caller callerOf(Connection connection) {
        return new Caller(connection.uid(), connection.gid(), connection.groups());
    }

    Grants grants(Connection connection) {
        return policies.current().grantsFor(callerOf(connection));
    }

    /** Throws PermissionDenied unless the policy allows {@code request}. */
    void require(Connection connection, Request request) throws VarlinkError {
        Decision decision = policies.current().decide(callerOf(connection), request);
        if (decision instanceof Decision.Deny deny) {
            throw refusal(connection, deny);
        }
    }

    private VarlinkError refusal(Connection connection, Decision.Deny deny) {
        refusals.refused(deny.reason());
        return ApiErrors.refused(connection.uid(), deny);
    }

    /** Whether the caller may see an object of {@code ownerUid} described. */
    boolean mayDescribe(Connection connection, int ownerUid) {
        return connection.uid() == ownerUid || connection.isRoot() || grants(connection).inspectHost();
    }

    /**
     * Refuses owning {@code adding} more objects past the caller's limits, and putting
     * {@code storeSlots} more objects into systemd's fd store past the caller's share of it or past
     * the store's size (ResourceExhausted), which binds root too: systemd would drop them unseen.
     */
    void requireRoomFor(Connection connection, int adding, int storeSlots) throws VarlinkError {
        FdStoreRoom room = fdStoreRoom.get();
        int slots = room.inUse() ? storeSlots : 0;
        require(connection, new Request.Own(adding, usage.objects(connection.uid()),
                usage.lockedMemoryBytes(connection.uid()), slots, room.usedBy(connection.uid())));
        OptionalInt capacity = room.capacity();
        int used = room.used();
        if (slots > 0 && capacity.isPresent() && (long) used + slots > capacity.getAsInt()) {
            refusals.refused("fdStore");
            throw ApiErrors.fdStoreFull(capacity.getAsInt(), used, slots);
        }
    }

    /**
     * Lowers the calling thread's capabilities to what the policy gives a load of these program
     * types for this caller, until the scope is closed.
     */
    Capabilities.Scope loaderCapabilities(Connection connection, Set<String> programTypes) {
        OptionalLong keep = policies.current().loaderCapabilities(callerOf(connection), programTypes);
        return keep.isPresent() ? Capabilities.lowerEffective(keep.getAsLong()) : Capabilities.Scope.NONE;
    }

    /** {@code method}, run only when its requests and the caller's calls in flight are allowed. */
    Method guard(Method method, MethodRequests requests) {
        MethodHandler handler = method.handler();
        MethodHandler guarded = call -> {
            Connection connection = call.connection();
            Decision.Deny overLimit = refusedConnections.get(connection.id());
            if (overLimit != null) {
                throw refusal(connection, overLimit);
            }
            int uid = connection.uid();
            int running = callsInFlight.merge(uid, 1, Integer::sum) - 1;
            try {
                try {
                    require(connection, new Request.Call(running));
                    for (Request request : requests.of(method.name(), call)) {
                        require(connection, request);
                    }
                } catch (VarlinkError refused) {
                    Audit.refused(call, refused);
                    throw refused;
                }
                handler.handle(call);
            } finally {
                callsInFlight.merge(uid, -1, Integer::sum);
            }
        };
        return new Method(method.name(), method.execution(), method.streaming(), guarded, method.parameterReader());
    }

    @Override
    public void opened(Connection connection) {
        int open = openConnections.merge(connection.uid(), 1, Integer::sum) - 1;
        Decision decision = policies.current().decide(callerOf(connection), new Request.Connect(open));
        if (decision instanceof Decision.Deny deny) {
            openConnections.merge(connection.uid(), -1, Integer::sum);
            refusedConnections.put(connection.id(), deny);
        }
    }

    @Override
    public void closed(Connection connection) {
        if (refusedConnections.remove(connection.id()) == null) {
            openConnections.merge(connection.uid(), -1, Integer::sum);
        }
    }

    /** The requests a call makes of the policy, derived from its method and parameters. */
    @FunctionalInterface
    interface MethodRequests {
        List<Request> of(String method, io.bpfkeeper.daemon.varlink.CallContext call) throws VarlinkError;
    }
}
