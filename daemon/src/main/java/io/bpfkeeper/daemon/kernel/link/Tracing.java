package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.ProgramInfo;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.libbpf.KernelBtf;

/**
 * fentry and fexit links: a tracing program on entry to, or exit from, a kernel function, through
 * a BPF trampoline. The function is fixed when the program is loaded (libbpf reads it from the
 * section, such as SEC("fentry/do_unlinkat"), and the verifier checks the program against its BTF).
 */
public final class Tracing {

    private static final AttachType FENTRY = AttachType.byName("trace_fentry").orElseThrow();
    private static final AttachType FEXIT = AttachType.byName("trace_fexit").orElseThrow();

    private Tracing() {
    }

    /** @param function the function the program was loaded for; @param exit fexit rather than fentry */
    public record Options(String function, boolean exit) implements AttachOptions {
        @Override
        public String toString() {
            return (exit ? "fexit of " : "fentry of ") + function;
        }
    }

    /** @param function the function the caller expects, checked against the program's; null to take it */
    public static BpfLink attach(BpfProgram program, String function, boolean exit) {
        String hook = exit ? "fexit" : "fentry";
        Hooks.requireType(program, hook, ProgramType.TRACING);
        String target = loadedFor(program, hook);
        if (function != null && !function.equals(target)) {
            throw new InvalidTargetException(Part.FUNCTION, program + " was loaded for kernel function " + target
                    + ", and attaches there only, not to " + function + "; load a program from a section "
                    + hook + "/" + function + " for that");
        }
        try {
            return BpfLink.create(program, 0, exit ? FEXIT : FENTRY, 0, new Options(target, exit));
        } catch (BpfException e) {
            throw explain(e, hook).withContext("attach " + hook + " link to " + target);
        }
    }

    /** The name of the function the program was loaded for, from the kernel's BTF. */
    private static String loadedFor(BpfProgram program, String hook) {
        ProgramInfo info = program.info();
        if (info.attachBtfId() == 0) {
            throw new InvalidTargetException(Part.PROGRAM, program + " was not loaded for a kernel function: load it"
                    + " from a section such as " + hook + "/FUNCTION");
        }
        String name = KernelBtf.typeName(info.attachBtfObjectId(), info.attachBtfId());
        return name != null ? name
                : "BTF type " + info.attachBtfId() + " of BTF object " + info.attachBtfObjectId();
    }

    private static BpfException explain(BpfException failure, String hook) {
        if (failure.errno() == Errno.EINVAL) {
            return failure.withHint("the program was not loaded as an " + hook + " program: its section must be "
                    + hook + "/FUNCTION");
        }
        if (failure.errno() == Errno.ENOTSUPP || failure.errno() == Errno.EOPNOTSUPP) {
            return failure.withHint("this kernel cannot attach fentry or fexit programs, which need BPF trampolines"
                    + " (x86-64 or arm64, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS); attach a kprobe or kretprobe"
                    + " program instead");
        }
        return failure;
    }
}
