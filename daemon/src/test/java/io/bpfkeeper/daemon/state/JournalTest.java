package io.bpfkeeper.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file: what a write leaves behind, and what a start makes of a bad file. */
class JournalTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T06:00:00Z"), ZoneOffset.UTC);
    private static final JournalEntry MAP = new JournalEntry(Kind.MAP, 42, "counter", "array", new Owner(1000, 1000, 7),
            Map.of("team", "net"), "2026-11-26T05:00:00Z", List.of("/sys/fs/bpf/counter"),
            new KernelFingerprint("array", "counter", new KernelFingerprint.MapGeometry(4, 8, 1, 0), null));
    private static final JournalEntry PROGRAM = new JournalEntry(Kind.PROGRAM, 17, "xdp_pass", "xdp",
            new Owner(0, 0, 1), Map.of(), "2026-11-26T05:00:01Z", List.of(),
            new KernelFingerprint("xdp", "xdp_pass", null, "0afa56fcd9325709"));

    @TempDir
    Path state;

    @Test
    void whatIsWrittenIsReadBackAndOnlyTheJournalIsLeftBehind() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        journal.write(List.of(MAP));
        journal.write(List.of(MAP, PROGRAM));

        Journal.Contents contents = journal.load();
        assertThat(contents.readable()).isTrue();
        assertThat(contents.entries()).containsExactly(MAP, PROGRAM);
        assertThat(files()).containsExactly("journal.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("journal.json"))))
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

    @Test
    void aJournalOfAnotherVersionOrWithIncompleteRecordsIsMovedAside() throws IOException {
        Journal journal = new Journal(state, CLOCK);
        Files.writeString(state.resolve("journal.json"), "{\"version\": 2, \"objects\": []}");
        assertThat(journal.load().problem()).contains("it has version 2; this daemon reads version 1");

        Files.writeString(state.resolve("journal.json"), "{\"version\": 1, \"objects\": [{\"kind\": \"map\", \"id\": 3}]}");
        assertThat(journal.load().problem()).contains("a record lacks fields");
        assertThat(files()).hasSize(1).allMatch(name -> name.startsWith("journal.json.unreadable-"));
    }

    @Test
    void aFingerprintNamesEachDifference() {
        KernelFingerprint recorded = MAP.kernel();
        KernelFingerprint actual = new KernelFingerprint("hash", "counter", new KernelFingerprint.MapGeometry(4, 8, 2, 0),
                null);
        assertThat(recorded.differences(recorded)).isEmpty();
        assertThat(recorded.differences(actual)).containsExactly("type hash, recorded array",
                "geometry key 4 B, value 8 B, 2 entries, flags 0, recorded key 4 B, value 8 B, 1 entries, flags 0");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> listing = Files.list(state)) {
            return listing.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
