package io.bpfkeeper.bench;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.ProgramSpec;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.HolderType;
import io.bpfkeeper.protocol.types.Kind;
import java.util.HexFormat;
import java.util.List;

/**
 * Explain of one program on a busy host (issue 6): 2,000 processes and 5,000 other BPF objects,
 * pinned. The program is loaded and held by this process, so Explain has a process to find. Its
 * figure is one Explain call through the daemon, socket round trip and JSON included, against
 * {@code bpftool -j prog show id N} of the same program in the same rounds, fork and exec included.
 * Each round times {@link #CALLS_PER_ROUND} calls of each and keeps their median.
 *
 * <p>bpftool does less than Explain here: Debian 12's bpftool 7.1 is built without skeletons, so
 * {@code prog show} looks for no holding processes at all, where Explain reads every fd of every
 * process, every pin in every bpffs and every link. A second figure, for context, compares Explain
 * with {@code bpftool -f}, which opens every pin in every bpffs to list the program's own.
 */
final class ExplainLatency implements Benchmark {

    private static final int PROCESSES = 2_000;
    private static final int OBJECTS = 5_000;
    private static final int CALLS_PER_ROUND = 10;
    /** XDP: r0 = XDP_PASS; exit. */
    private static final String XDP_PASS = "b700000002000000" + "9500000000000000";

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        ProgramSpec spec = new ProgramSpec("bench_explain", ProgramType.XDP, HexFormat.of().parseHex(XDP_PASS), "GPL",
                null, 0);
        try (BpfProgram program = BpfProgram.load(spec).program();
                HostLoad load = HostLoad.create(PROCESSES, OBJECTS, context.bpffs().resolve("bench-explain"));
                BpfkeeperClient client = context.daemon().connect()) {
            String id = Integer.toString(program.id());
            requireFindsThisProcess(client.explain(Kind.PROGRAM, program.id()), program.id());
            Rounds.Measurement<Double> explain =
                    () -> Timed.median(CALLS_PER_ROUND, () -> client.explain(Kind.PROGRAM, program.id()));
            Rounds.Paired<Double> againstShow = Rounds.paired(context.options(), explain,
                    () -> Timed.median(CALLS_PER_ROUND, () -> Bpftool.run("-j", "prog", "show", "id", id)));
            Rounds.Paired<Double> againstShowPinned = Rounds.paired(context.options(), explain,
                    () -> Timed.median(CALLS_PER_ROUND, () -> Bpftool.run("-j", "-f", "prog", "show", "id", id)));
            String name = "Explain of a program, " + String.format("%,d", PROCESSES) + " processes and "
                    + String.format("%,d", OBJECTS) + " pins";
            return List.of(
                    Figure.compared(name, Unit.NANOSECONDS, againstShow, Double::doubleValue,
                            "bpftool prog show id N", Target.ratioAtMost(2)),
                    Figure.compared("the same Explain", Unit.NANOSECONDS, againstShowPinned, Double::doubleValue,
                            "bpftool -f prog show id N", null));
        }
    }

    /** A figure of an Explain that missed the holder it should find would measure less than Explain. */
    private static void requireFindsThisProcess(Explanation explanation, int programId) {
        long self = ProcessHandle.current().pid();
        boolean found = explanation.holders().stream()
                .anyMatch(holder -> holder.type() == HolderType.PROCESS && holder.pid() == self);
        if (!found) {
            throw new IllegalStateException("Explain of program " + programId + " did not find this process ("
                    + self + ") holding it: " + explanation.verdict());
        }
    }
}
