package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.config.ClientLimits;
import io.bpfkeeper.daemon.inspect.Explainer;
import io.bpfkeeper.daemon.inspect.FdStoreLookup;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.varlink.ConnectionObserver;
import io.bpfkeeper.daemon.varlink.ErrorTranslator;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The io.bpfkeeper interface: its method groups, its error mapping, and session tracking. */
public final class BpfkeeperApi {

    private final ApiContext context;
    private final Explainer explainer;
    private final ClientLimits limits;

    /**
     * @param fdStore tells Explain which objects systemd's fd store holds
     * @param limits bound TestRun's repeat and CreateMap's size
     */
    public BpfkeeperApi(Registry registry, PinPaths pinPaths, Clock clock, FdStoreLookup fdStore,
            ClientLimits limits) {
        this.context = new ApiContext(registry, pinPaths, clock);
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
        return new VarlinkInterface(BpfkeeperInterface.definition(), methods);
    }

    public ErrorTranslator errors() {
        return new ErrorMapping();
    }

    public ConnectionObserver sessions() {
        return new Sessions(context.registry());
    }
}
