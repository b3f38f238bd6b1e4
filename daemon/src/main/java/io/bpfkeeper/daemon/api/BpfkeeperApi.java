package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.config.ClientLimits;
import io.bpfkeeper.daemon.inspect.Explainer;
import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.policy.PolicyStore;
import io.bpfkeeper.daemon.policy.Refusals;
import io.bpfkeeper.daemon.policy.Usage;
import io.bpfkeeper.daemon.registry.FdStoreRoom;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.varlink.Connection;
import io.bpfkeeper.daemon.varlink.ConnectionObserver;
import io.bpfkeeper.daemon.varlink.ErrorTranslator;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The io.bpfkeeper interface: its method groups, its error mapping, and session tracking. */
public final class BpfkeeperApi {

    private final ApiContext context;
    private final Explainer explainer;
    private final Authorization authorization;
    private final ClientLimits limits;

    /**
     * @param fdStore tells Explain which objects systemd's fd store holds
     * @param fdStoreRoom the room in systemd's fd store, which unpinned daemon-lifetime objects need
     * @param policies who may do what
     * @param usage what each uid holds, for the policy's limits; it must follow the registry
     * @param refusals told of every refusal, for the metrics
     * @param limits bound TestRun's repeat and CreateMap's size
     */
    public BpfkeeperApi(Registry registry, PinPaths pinPaths, Clock clock, FdStoreLookup fdStore,
            Supplier<FdStoreRoom> fdStoreRoom, PolicyStore policies, Usage usage, Refusals refusals,
            ClientLimits limits) {
        this.authorization = new Authorization(policies, usage, fdStoreRoom, refusals);
        this.context = new ApiContext(registry, pinPaths, clock, authorization);
        this.explainer = new Explainer(registry, fdStore);
        this.limits = limits;
    }

    public VarlinkInterface varlinkInterface() {
        List<Method> methods = new ArrayList<>();
        methods.addAll(new MapMethods(context, limits.maxMapBytesPerCall()).methods());
        methods.addAll(new ProgramMethods(context, limits.maxTestRunRepeat()).methods());
        methods.addAll(new ObjectMethods(context).methods());
        methods.addAll(new ObjectLoadMethods(context).methods());
        methods.addAll(new InspectMethods(context, explainer).methods());
        methods.addAll(new AttachMethods(context).methods());
        methods.addAll(new PolicyMethods(context).methods());
        CallRequests requests = new CallRequests(context);
        return new VarlinkInterface(BpfkeeperInterface.definition(),
                methods.stream().map(method -> authorization.guard(method, requests)).toList());
    }

    public ErrorTranslator errors() {
        return new ErrorMapping();
    }

    /** Sessions, and the connection limits of the policy. */
    public ConnectionObserver sessions() {
        Sessions sessions = new Sessions(context.registry());
        return new ConnectionObserver() {
            @Override
            public void opened(Connection connection) {
                authorization.opened(connection);
                sessions.opened(connection);
            }

            @Override
            public void closed(Connection connection) {
                sessions.closed(connection);
                authorization.closed(connection);
            }
        };
    }
}
