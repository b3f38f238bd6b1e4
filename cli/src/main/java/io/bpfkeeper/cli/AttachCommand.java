package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.XdpMode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bpfkeeper attach} and {@code bpfkeeper detach}. */
@Command(name = "attach", description = {"Attach an owned program to a hook: xdp, tcx, tc, cgroup, tracepoint,"
        + " kprobe, kretprobe, fentry or fexit.",
    "The daemon owns what attaches it: a link, or for tc a filter that the kernel holds until 'detach'."})
final class AttachCommand extends DaemonCommand {

    @Parameters(index = "0", paramLabel = "PROGRAM_ID", description = "The program's kernel id.")
    long programId;

    @Parameters(index = "1", paramLabel = "HOOK",
            description = "xdp, tcx, tc, cgroup, tracepoint, kprobe, kretprobe, fentry or fexit.")
    Hook hook;

    @Option(names = "--interface", paramLabel = "DEVICE", description = "The network device (xdp, tcx, tc).")
    String interfaceName;

    @Option(names = "--netns", paramLabel = "NAME|pid:PID",
            description = "The device's network namespace: a name under /run/netns, or pid:PID for a process"
                    + " of your own.")
    String netns;

    @Option(names = "--direction", paramLabel = "ingress|egress", description = "tcx, tc; cgroup for cgroup_skb.")
    Direction direction;

    @Option(names = "--mode", paramLabel = "native|generic|offload", description = "xdp; the kernel picks without it.")
    XdpMode mode;

    @Option(names = "--cgroup", paramLabel = "PATH", description = "A cgroup v2 directory.")
    String cgroup;

    @Option(names = "--attach-type", paramLabel = "TYPE",
            description = "cgroup: bpftool's attach type name, such as cgroup_inet4_connect.")
    String attachType;

    @Option(names = "--tracepoint", paramLabel = "CATEGORY/NAME", description = "Such as syscalls/sys_enter_getpid.")
    String tracepoint;

    @Option(names = "--function", paramLabel = "NAME",
            description = "kprobe, kretprobe; for fentry and fexit, checked against the function loaded for.")
    String function;

    @Option(names = "--offset", paramLabel = "BYTES", description = "kprobe: bytes into the function.")
    Long offset;

    @Option(names = "--priority", paramLabel = "N", description = "tc: the filter's priority, 1 to 65535.")
    Long priority;

    @Option(names = "--handle", paramLabel = "N", description = "tc: the filter's handle.")
    Long handle;

    @Option(names = "--lifetime", paramLabel = "session|daemon",
            description = "How long the daemon holds the link: daemon (the default) until it is released.")
    Lifetime lifetime;

    @Option(names = "--pin", paramLabel = "PATH", description = "Pin the link under the daemon's pin root.")
    String pin;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeatable.")
    Map<String, String> labels;

    /** The Attach call that these options ask for. */
    AttachRequest request() {
        String category = null;
        String name = null;
        if (tracepoint != null) {
            int slash = tracepoint.indexOf('/');
            if (slash < 0) {
                throw usageError("--tracepoint is CATEGORY/NAME, such as syscalls/sys_enter_getpid");
            }
            category = tracepoint.substring(0, slash);
            name = tracepoint.substring(slash + 1);
        }
        return new AttachRequest(programId, hook, interfaceName, netns, direction, mode, cgroup, category, name,
                function, lifetime, pin, labels, attachType, offset, priority, handle);
    }

    @Override
    protected int run(Output output) {
        BpfObject attached = bpfkeeper().attach(request());
        output.reply(Map.of("object", attached), out -> ObjectView.printBlock(attached, out));
        return ExitCodes.OK;
    }

    /** {@code bpfkeeper detach KIND ID}. */
    @Command(name = "detach", description = {"Take a link or an attachment off its hook; the daemon forgets it.",
        "A link is forced off even where pins hold it: they keep a link that attaches nothing."})
    static final class Detach extends DaemonCommand {

        @Parameters(index = "0", paramLabel = "KIND", description = "link or attachment.")
        Kind kind;

        @Parameters(index = "1", paramLabel = "ID", description = "Its id, as 'list' shows it.")
        long id;

        @Override
        protected int run(Output output) {
            bpfkeeper().detach(kind, id);
            output.empty();
            return ExitCodes.OK;
        }
    }
}
