package io.bpfkeeper.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.kernel.link.Xdp;
import io.bpfkeeper.daemon.registry.Owner;
import io.bpfkeeper.protocol.types.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file: what a write leaves behind, and what a start makes of a bad file. */
class JournalTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T06:00:00Z"), ZoneOffset.UTC);
    private static final JournalEntry MAP = new JournalEntry(Kind.MAP, 42, "counter", "array", new Owner(1000, 1000, 7),
            Map.of("team", "net"), "2026-11-26T05:00:00Z", List.of("/sys/fs/bpf/counter"),
            new KernelFingerprint("array", "counter", new KernelFingerprint.MapGeometry(4, 8, 1, 0), null, null), null);
    private static final JournalEntry PROGRAM = new JournalEntry(Kind.PROGRAM, 17, "xdp_pass", "xdp",
            new Owner(0, 0, 1), Map.of(), "2026-11-26T05:00:01Z", List.of(),
            new KernelFingerprint("xdp", "xdp_pass", null, "0afa56fcd9325709", null), null);
    private static final JournalEntry LINK = new JournalEntry(Kind.LINK, 5, "xdp_pass", "xdp", new Owner(0, 0, 1),
            Map.of(), "2026-11-26T05:00:02Z", List.of(), new KernelFingerprint("xdp", "xdp_pass", null, null, 17),
            new JournalTarget.XdpTarget("eth0", "blue", Xdp.Mode.GENERIC));
    private static final JournalEntry ATTACHMENT = new JournalEntry(Kind.ATTACHMENT, 3, "tc_pass", "tc",
            new Owner(0, 0, 1), Map.of(), "2026-11-26T05:00:03Z", List.of(),
            new KernelFingerprint("tc", null, null, null, 18),
            new JournalTarget.TcFilterTarget("eth0", null, Direction.INGRESS, 1, 1, 2, 4026531840L));

    @TempDir
    Path state;

    @Test
    void whatIsWrittenIsReadBackAndOnlyTheJournalIsLeftBehind() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        journal.write(List.of(MAP), 0);
        journal.write(List.of(MAP, PROGRAM, LINK, ATTACHMENT), 4);

        Journal.Contents contents = journal.load();
        assertThat(contents.readable()).isTrue();
        assertThat(contents.entries()).containsExactly(MAP, PROGRAM, LINK, ATTACHMENT);
        assertThat(contents.lastAttachmentId()).isEqualTo(4);
        assertThat(files()).containsExactly("journal.json", "journal.log");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("journal.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("journal.log"))))
                .isEqualTo("rw-------");
    }

    @Test
    void noJournalIsAFirstStart() {
        Journal.Contents contents = new Journal(state, CLOCK).load();
        assertThat(contents.readable()).isTrue();
        assertThat(contents.entries()).isEmpty();
    }

    @Test
    void aJournalThatIsNotJsonIsMovedAsideAndReported() throws IOException {
        Files.writeString(state.resolve("journal.json"), "{\"version\": 1, \"objects\": [");

        Journal.Contents contents = new Journal(state, CLOCK).load();

        assertThat(contents.readable()).isFalse();
        assertThat(contents.entries()).isEmpty();
        Path aside = state.resolve("journal.json.unreadable-20261126T060000Z");
        assertThat(contents.problem()).startsWith("the journal " + state.resolve("journal.json") + " is unreadable (")
                .endsWith("); moved it to " + aside);
        assertThat(files()).containsExactly(aside.getFileName().toString());
    }

    /** Every hook's target is told apart by a tag of its own, and reads back as it was written. */
    @Test
    void theTargetOfEveryHookIsWrittenWithItsHookAndReadBack() throws IOException {
        List<JournalTarget> targets = List.of(
                new JournalTarget.XdpTarget("eth0", null, null),
                new JournalTarget.TcxTarget("eth0", "/proc/1/ns/net", Direction.EGRESS),
                new JournalTarget.TcFilterTarget("eth0", "blue", Direction.INGRESS, 49152, 1, 7, 4026532286L),
                new JournalTarget.CgroupTarget("/sys/fs/cgroup/app", "cgroup_inet_egress"),
                new JournalTarget.TracepointTarget("syscalls", "sys_enter_getpid"),
                new JournalTarget.KprobeTarget("do_unlinkat", 4, true),
                new JournalTarget.TracingTarget("do_unlinkat", false));
        List<JournalEntry> entries = IntStream.range(0, targets.size()).mapToObj(i -> new JournalEntry(Kind.LINK,
                5 + i, "p", "t", new Owner(0, 0, 1), Map.of(), "2026-11-26T05:00:02Z", List.of(),
                new KernelFingerprint("t", "p", null, null, 17), targets.get(i))).toList();
        Journal journal = new Journal(state, CLOCK);

        journal.write(entries, 0);

        assertThat(journal.load().entries()).isEqualTo(entries);
        assertThat(Files.readString(state.resolve("journal.json")))
                .contains("\"version\" : 3", "\"hook\" : \"xdp\"", "\"hook\" : \"tcx\"", "\"hook\" : \"tc\"",
                        "\"hook\" : \"cgroup\"", "\"hook\" : \"tracepoint\"", "\"hook\" : \"kprobe\"",
                        "\"hook\" : \"tracing\"");
        assertThat(targets).extracting(target -> target.options().toString()).containsExactly(
                "xdp of eth0",
                "tcx egress of eth0 in netns /proc/1/ns/net",
                "tc ingress of eth0 in netns blue, priority 49152, handle 0x1",
                "cgroup_inet_egress of cgroup /sys/fs/cgroup/app",
                "tracepoint syscalls/sys_enter_getpid",
                "kretprobe of do_unlinkat+4",
                "fentry of do_unlinkat");
    }

    /** Version 1 recorded no targets and no program ids: its maps and programs read as before. */
    @Test
    void aVersionOneJournalReadsWithoutTargets() throws IOException {
        Files.writeString(state.resolve("journal.json"), """
                {"version": 1, "objects": [{"kind": "map", "id": 42, "name": "counter", "type": "array",
                  "owner": {"uid": 1000, "gid": 1000, "pid": 7}, "labels": {"team": "net"},
                  "createdAt": "2026-11-26T05:00:00Z", "pins": ["/sys/fs/bpf/counter"],
                  "kernel": {"type": "array", "name": "counter", "programTag": null,
                             "map": {"keySize": 4, "valueSize": 8, "maxEntries": 1, "flags": 0}}}]}
                """);

        Journal.Contents contents = new Journal(state, CLOCK).load();

        assertThat(contents.readable()).isTrue();
        assertThat(contents.entries()).containsExactly(MAP);
    }

    @Test
    void aJournalOfAnotherVersionOrWithIncompleteRecordsIsMovedAside() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        Files.writeString(state.resolve("journal.json"), "{\"version\": 4, \"objects\": []}");
        assertThat(journal.load().problem()).contains("it has version 4; this daemon reads versions 1 to 3");

        Files.writeString(state.resolve("journal.json"),
                "{\"version\": 2, \"objects\": [{\"kind\": \"map\", \"id\": 3}]}");
        assertThat(journal.load().problem()).contains("a record lacks fields");
        assertThat(files()).hasSize(1).allMatch(name -> name.startsWith("journal.json.unreadable-"));
    }

    /** A change costs an append to the log; a start reads the snapshot and the log's changes after it. */
    @Test
    void appendedChangesAreReadBackOverTheSnapshot() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        journal.write(List.of(MAP, PROGRAM), 0);
        JournalEntry repinned = new JournalEntry(Kind.MAP, 42, "counter", "array", MAP.owner(), MAP.labels(),
                MAP.createdAt(), List.of(), MAP.kernel(), null);
        journal.append(List.of(LINK), List.of(), 0);
        journal.append(List.of(repinned, ATTACHMENT), List.of(PROGRAM.key()), 3);

        Journal.Contents contents = new Journal(state, CLOCK).load();

        assertThat(contents.readable()).isTrue();
        assertThat(contents.entries()).containsExactlyInAnyOrder(repinned, LINK, ATTACHMENT);
        assertThat(contents.lastAttachmentId()).isEqualTo(3);
    }

    /** A crash in the middle of an append leaves a line cut short; the changes before it count. */
    @Test
    void aLogLineCutShortEndsTheChangesThatCount() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        journal.write(List.of(), 0);
        journal.append(List.of(MAP), List.of(), 0);
        String whole = Files.readString(state.resolve("journal.log"));
        journal.append(List.of(PROGRAM), List.of(), 0);
        String withProgram = Files.readString(state.resolve("journal.log"));
        Files.writeString(state.resolve("journal.log"), withProgram.substring(0, whole.length()
                + (withProgram.length() - whole.length()) / 2));

        assertThat(new Journal(state, CLOCK).load().entries()).containsExactly(MAP);
    }

    /**
     * A snapshot holds every change before it and empties the log. If a crash comes between the two,
     * the start skips the log's changes that the snapshot holds already, rather than undo later ones.
     */
    @Test
    void aSnapshotEmptiesTheLogAndALogItHoldsIsSkipped() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        journal.write(List.of(), 0);
        journal.append(List.of(MAP, PROGRAM), List.of(), 0);
        String log = Files.readString(state.resolve("journal.log"));
        journal.write(List.of(PROGRAM), 0);
        assertThat(Files.readString(state.resolve("journal.log"))).isEmpty();

        Files.writeString(state.resolve("journal.log"), log);

        assertThat(new Journal(state, CLOCK).load().entries()).containsExactly(PROGRAM);
    }

    @Test
    void aFingerprintNamesEachDifference() {
        KernelFingerprint recorded = MAP.kernel();
        KernelFingerprint actual = new KernelFingerprint("hash", "counter", new KernelFingerprint.MapGeometry(4, 8, 2, 0),
                null, null);
        assertThat(recorded.differences(recorded)).isEmpty();
        assertThat(recorded.differences(actual)).containsExactly("type hash, recorded array",
                "geometry key 4 B, value 8 B, 2 entries, flags 0, recorded key 4 B, value 8 B, 1 entries, flags 0");
        KernelFingerprint link = LINK.kernel();
        assertThat(link.differences(new KernelFingerprint("xdp", "xdp_pass", null, null, 23)))
                .containsExactly("program 23, recorded 17");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> listing = Files.list(state)) {
            return listing.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
