package io.bpfkeeper.daemon.varlink;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The interfaces a server offers, and how a call finds its method. */
final class Services {

    /** What InvalidParameter names when fds came with a call of a method that takes none. */
    static final String FDS_PARAMETER = "(file descriptors)";

    private final Map<String, VarlinkInterface> interfaces = new LinkedHashMap<>();
    /**
     * Every served method by its fully qualified name, so that a call finds its method with one
     * lookup, without cutting its name in two.
     */
    private final Map<String, ServedMethod> methods = new HashMap<>();
    private final long maxMessageBytes;
    private volatile boolean draining;

    /** @param takesFds whether the IDL gives the method an fd parameter */
    private record ServedMethod(VarlinkInterface owner, Method method, boolean takesFds) {
    }

    Services(List<VarlinkInterface> served, long maxMessageBytes) {
        for (VarlinkInterface each : served) {
            interfaces.put(each.name(), each);
            for (Method method : each.methods()) {
                boolean takesFds = each.definition().methods().get(method.name()).takesFds();
                methods.put(each.name() + "." + method.name(), new ServedMethod(each, method, takesFds));
            }
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Set once the server stops: no connection reads another call. */
    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    long maxMessageBytes() {
        return maxMessageBytes;
    }

    Collection<VarlinkInterface> interfaces() {
        return interfaces.values();
    }

    Optional<VarlinkInterface> find(String name) {
        return Optional.ofNullable(interfaces.get(name));
    }

    /** The reader of a served method's parameters; null when they stay a tree, or no such method is served. */
    ParameterReader parameterReader(String qualifiedMethod) {
        ServedMethod served = methods.get(qualifiedMethod);
        return served != null ? served.method().parameterReader() : null;
    }

    /**
     * The method a call names, after checking the call against the IDL, so that handlers see only
     * parameters of the declared types. A method's {@link ParameterReader} checked its parameters
     * as it read them. Fds come only with calls of a method whose IDL names an fd parameter.
     *
     * @param fdCount how many fds came with the call
     */
    Method resolve(VarlinkCall call, int fdCount) throws VarlinkError {
        ServedMethod served = methods.get(call.method());
        if (served == null) {
            if (!interfaces.containsKey(call.interfaceName())) {
                throw VarlinkError.interfaceNotFound(call.interfaceName());
            }
            throw VarlinkError.methodNotFound(call.method());
        }
        VarlinkInterface target = served.owner();
        Method method = served.method();
        if (call.parameters() instanceof CallParameters.Refused refused) {
            throw refused.error();
        }
        if (call.parameters() instanceof CallParameters.Tree tree) {
            Optional<String> invalid = target.invalidParameter(method.name(), tree.node());
            if (invalid.isPresent()) {
                throw VarlinkError.invalidParameter(invalid.get());
            }
        }
        if (fdCount > 0 && !served.takesFds()) {
            throw VarlinkError.invalidParameter(FDS_PARAMETER);
        }
        if (call.upgrade()) {
            throw VarlinkError.invalidParameter("upgrade");
        }
        if (method.streaming() && !call.more()) {
            throw VarlinkError.expectedMore();
        }
        return method;
    }
}
