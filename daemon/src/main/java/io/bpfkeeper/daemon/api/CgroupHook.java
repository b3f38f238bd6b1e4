package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.daemon.kernel.link.Cgroup;
import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.Hook;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** Hook cgroup: a cgroup link on a cgroup v2 directory, of the attach type the program needs. */
final class CgroupHook extends HookBinding.MakesLink<Cgroup.Options> {

    static final CgroupHook BINDING = new CgroupHook();

    private CgroupHook() {
        super(Hook.CGROUP, List.of("cgroup"), List.of("direction", "attachType"), Cgroup.Options.class);
    }

    @Override
    void requireCombination(Params params) throws VarlinkError {
        if (params.has("direction") == params.has("attachType")) {
            throw ApiErrors.invalidArgument("attachType", "hook cgroup needs either attachType, or direction for"
                    + " the ingress or egress of cgroup_skb programs");
        }
    }

    @Override
    Cgroup.Options options(AttachCall call) throws VarlinkError {
        return new Cgroup.Options(path(call.params(), "cgroup"), attachType(call));
    }

    /** The open directory is what the attach is made to: its path may mean another one by then. */
    @Override
    BpfLink attach(BpfProgram program, Cgroup.Options options) {
        try (Cgroup.Directory cgroup = Cgroup.open(options.cgroup())) {
            return Cgroup.attach(program, cgroup, options.attachType());
        }
    }

    @Override
    AttachTarget target(Cgroup.Options options) {
        return new AttachTarget(null, null, null, null, null, null, options.cgroup().toString(),
                options.attachType().name(), null, null, null, null);
    }

    /** attachType by name; direction stands for the two attach types of cgroup_skb programs. */
    private static AttachType attachType(AttachCall call) throws VarlinkError {
        Params params = call.params();
        if (params.has("attachType")) {
            return new AttachType(Names.kernelValue(params, "attachType", AttachType.NAMES, "attach type"));
        }
        BpfProgram program = call.program();
        if (!program.info().type().equals(ProgramType.CGROUP_SKB)) {
            throw ApiErrors.invalidArgument("direction", program + " is a " + program.info().type()
                    + " program, and direction names the attach types of cgroup_skb programs only; give attachType");
        }
        String name = call.direction() == Direction.INGRESS ? "cgroup_inet_ingress" : "cgroup_inet_egress";
        return AttachType.byName(name).orElseThrow();
    }

    private static Path path(Params params, String parameter) throws VarlinkError {
        try {
            return Path.of(params.string(parameter));
        } catch (InvalidPathException e) {
            throw ApiErrors.invalidArgument(parameter, "not a path: " + e.getMessage());
        }
    }
}
