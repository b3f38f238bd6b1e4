package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.link.AttachOptions;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One attach hook of the IDL, bound to the kernel: the parameters it needs and takes, how they
 * decode into the kernel's {@link AttachOptions}, and how those show on the wire. A new hook is one
 * more binding, one per file, plus the IDL; the journal's record of it is {@code JournalTarget}'s.
 *
 * @param <O> the options of the hook in the kernel layer
 */
abstract sealed class HookBinding<O extends AttachOptions> permits HookBinding.MakesLink, TcHook {

    /** The parameters that every hook takes. */
    private static final Set<String> COMMON = Set.of("programId", "hook", "lifetime", "pin", "labels");

    private final Hook hook;
    private final List<String> required;
    private final List<String> optional;
    private final Class<O> optionsType;

    /**
     * @param required what the hook needs besides the common parameters
     * @param optional what else it takes
     * @param optionsType the kernel layer's options of the hook
     */
    HookBinding(Hook hook, List<String> required, List<String> optional, Class<O> optionsType) {
        this.hook = hook;
        this.required = required;
        this.optional = optional;
        this.optionsType = optionsType;
    }

    /** A hook that attaches through a link, which the daemon owns. */
    abstract static sealed class MakesLink<O extends AttachOptions> extends HookBinding<O>
            permits XdpHook, TcxHook, CgroupHook, TracepointHook, KprobeHook, TracingHook {

        MakesLink(Hook hook, List<String> required, List<String> optional, Class<O> optionsType) {
            super(hook, required, optional, optionsType);
        }

        /** Attaches {@code program} where {@code options} say, through a new link. */
        abstract BpfLink attach(BpfProgram program, O options);
    }

    /** The binding of each hook of the IDL. */
    static HookBinding<?> of(Hook hook) {
        return switch (hook) {
            case XDP -> XdpHook.BINDING;
            case TCX -> TcxHook.BINDING;
            case TC -> TcHook.BINDING;
            case CGROUP -> CgroupHook.BINDING;
            case TRACEPOINT -> TracepointHook.BINDING;
            case KPROBE -> KprobeHook.ENTRY;
            case KRETPROBE -> KprobeHook.RETURN;
            case FENTRY -> TracingHook.ENTRY;
            case FEXIT -> TracingHook.EXIT;
        };
    }

    /** The binding whose options these are. */
    static HookBinding<?> of(AttachOptions options) {
        for (Hook hook : Hook.values()) {
            if (of(hook).describes(options)) {
                return of(hook);
            }
        }
        throw new IllegalArgumentException(options + " are no hook's options");
    }

    final Hook hook() {
        return hook;
    }

    /** Whether {@code options} are this hook's: of its type, and for hooks that share a type, its own. */
    boolean describes(AttachOptions options) {
        return optionsType.isInstance(options);
    }

    /** The hook's parameters of the call, as the kernel layer takes them. */
    abstract O options(AttachCall call) throws VarlinkError;

    /** Where {@code options} attach, as the IDL's {@code AttachTarget} says it: only the hook's members are set. */
    abstract AttachTarget target(O options);

    /** {@link #target} of options that this binding {@link #describes}. */
    final AttachTarget targetOf(AttachOptions options) {
        return target(optionsType.cast(options));
    }

    /** Refuses what the hook takes only in some combinations; the parameters' presence is checked already. */
    void requireCombination(Params params) throws VarlinkError {
    }

    /** Refuses parameters that the hook does not take and the absence of those it needs, by name. */
    void requireParameters(Params params) throws VarlinkError {
        for (Iterator<String> names = params.names(); names.hasNext(); ) {
            String name = names.next();
            if (params.has(name) && !takes(name)) {
                List<String> all = new ArrayList<>(required);
                all.addAll(optional);
                throw ApiErrors.invalidArgument(name, "hook " + hook.wireName() + " does not take it; it takes "
                        + String.join(", ", all));
            }
        }
        for (String name : required) {
            if (!params.has(name)) {
                throw ApiErrors.invalidArgument(name, "hook " + hook.wireName() + " needs it");
            }
        }
        requireCombination(params);
    }

    final boolean takes(String parameter) {
        return COMMON.contains(parameter) || required.contains(parameter) || optional.contains(parameter);
    }
}
