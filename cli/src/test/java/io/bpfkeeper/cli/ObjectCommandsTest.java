package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import org.junit.jupiter.api.Test;

/** get, list, pin, unpin, release and adopt. */
class ObjectCommandsTest extends CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** As List and Get show an object the daemon could not take back at its last start. */
    private static final String LOST_LINK = """
            {"kind":"link","id":7,"name":"xdp_count","type":"xdp","lifetime":"daemon",
              "owner":{"uid":0,"gid":0,"pid":99},"pins":[],"labels":{},"createdAt":"2025-01-02T03:04:05Z",
              "lost":"systemd's fd store did not hand it back"}
            """;

    /** As List and Get show a map that systemd's fd store handed back without a journal record. */
    private static final String UNRECORDED_MAP = """
            {"kind":"map","id":9,"name":"kept","type":"array","lifetime":"daemon",
              "owner":{"uid":0,"gid":0,"pid":0},"pins":[],"labels":{},"createdAt":"2025-01-02T03:04:05Z",
              "map":{"keySize":4,"valueSize":8,"maxEntries":1,"flags":0},
              "unrecorded":"it was uid 1000's"}
            """;

    @Test
    void getPrintsEveryFieldOfAMap() {
        daemon.answer(BpfkeeperInterface.GET, "{\"object\":" + MAP_OBJECT + "}");

        Result result = bpfkeeper("get", "map", "42");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                kind:         map
                id:           42
                name:         counters
                type:         hash
                lifetime:     daemon
                owner:        uid 1000, gid 100, pid 4242
                created:      2025-01-02T03:04:05Z
                pins:         /sys/fs/bpf/counters
                labels:       app=demo
                              tier=web
                key size:     4
                value size:   8
                max entries:  1024
                flags:        0x1
                """);
    }

    @Test
    void getTakesProgAsBpftoolSpellsIt() throws Exception {
        daemon.answer(BpfkeeperInterface.GET, "{\"object\":" + PROGRAM_OBJECT + "}");

        Result result = bpfkeeper("get", "prog", "17");

        assertThat(daemon.nextCall(BpfkeeperInterface.GET).path("kind").asText()).isEqualTo("program");
        assertThat(result.out()).contains("tag:       0123456789abcdef\n", "map ids:   42,43\n", "pins:      -\n");
    }

    @Test
    void getPrintsTheReplyAsJsonWithJson() throws Exception {
        daemon.answer(BpfkeeperInterface.GET, "{\"object\":" + MAP_OBJECT + "}");

        Result result = bpfkeeper("get", "map", "42", "--json");

        assertThat(JSON.readTree(result.out())).isEqualTo(JSON.readTree("{\"object\":" + MAP_OBJECT + "}"));
        assertThat(result.out()).endsWith("}\n").hasLineCount(1);
    }

    @Test
    void listPrintsATable() throws Exception {
        daemon.answer(BpfkeeperInterface.LIST, "{\"object\":" + MAP_OBJECT + "}",
                "{\"object\":" + PROGRAM_OBJECT + "}");

        Result result = bpfkeeper("list", "--kind", "map", "--label", "app=demo");

        assertThat(daemon.nextCall(BpfkeeperInterface.LIST).toString())
                .isEqualTo("{\"kind\":\"map\",\"label\":\"app=demo\"}");
        assertThat(result.out()).isEqualTo("""
                KIND     ID  NAME      TYPE  LIFETIME  OWNER  PINS                  LABELS
                map      42  counters  hash  daemon    1000   /sys/fs/bpf/counters  app=demo,tier=web
                program  17  drop      xdp   session   0      -                     -
                """);
    }

    @Test
    void listPrintsOneJsonDocumentPerObjectWithJson() {
        daemon.answer(BpfkeeperInterface.LIST, "{\"object\":" + MAP_OBJECT + "}",
                "{\"object\":" + PROGRAM_OBJECT + "}");

        Result result = bpfkeeper("--json", "list");

        assertThat(result.out().lines()).hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("{\"object\":{\"kind\":"));
    }

    /** A lost object is no longer held by any lifetime: it says LOST instead, and why below the table. */
    @Test
    void listMarksTheObjectsLostAtTheLastStartAndSaysWhy() {
        daemon.answer(BpfkeeperInterface.LIST, "{\"object\":" + MAP_OBJECT + "}", "{\"object\":" + LOST_LINK + "}");

        Result result = bpfkeeper("list");

        assertThat(result.out()).isEqualTo("""
                KIND  ID  NAME       TYPE  LIFETIME  OWNER  PINS                  LABELS
                map   42  counters   hash  daemon    1000   /sys/fs/bpf/counters  app=demo,tier=web
                link  7   xdp_count  xdp   LOST      0      -                     -

                LOST at the daemon's last start, because:
                link 7:  systemd's fd store did not hand it back
                """);
    }

    /** An unrecorded object is held, for root: it says UNRECORDED, and whose it was below the table. */
    @Test
    void listMarksTheObjectsKeptWithoutARecordAndSaysWhoseTheyWere() {
        daemon.answer(BpfkeeperInterface.LIST, "{\"object\":" + UNRECORDED_MAP + "}");

        Result result = bpfkeeper("list");

        assertThat(result.out()).isEqualTo("""
                KIND  ID  NAME  TYPE   LIFETIME    OWNER  PINS  LABELS
                map   9   kept  array  UNRECORDED  0      -     -

                UNRECORDED, kept by the daemon for root:
                map 9:  it was uid 1000's
                """);
    }

    @Test
    void getSaysThatAnObjectIsUnrecordedAndWhoseItWas() {
        daemon.answer(BpfkeeperInterface.GET, "{\"object\":" + UNRECORDED_MAP + "}");

        Result result = bpfkeeper("get", "map", "9");

        assertThat(result.out()).contains("lifetime:     UNRECORDED\n", "unrecorded:   it was uid 1000's\n");
    }

    @Test
    void getSaysThatAnObjectIsLostAndWhy() {
        daemon.answer(BpfkeeperInterface.GET, "{\"object\":" + LOST_LINK + "}");

        Result result = bpfkeeper("get", "link", "7");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                kind:          link
                id:            7
                name:          xdp_count
                type:          xdp
                lifetime:      LOST
                lost because:  systemd's fd store did not hand it back
                owner:         uid 0, gid 0, pid 99
                created:       2025-01-02T03:04:05Z
                pins:          -
                labels:        -
                """);
    }

    @Test
    void listSaysSoWhenNothingMatches() {
        daemon.answer(BpfkeeperInterface.LIST, "{}");

        Result result = bpfkeeper("ls");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("no objects\n");
        assertThat(bpfkeeper("ls", "--json").out()).isEmpty();
    }

    @Test
    void pinPrintsTheAbsolutePath() throws Exception {
        daemon.answer(BpfkeeperInterface.PIN, "{\"path\":\"/sys/fs/bpf/demo/counters\"}");

        Result result = bpfkeeper("pin", "map", "42", "demo/counters");

        assertThat(daemon.nextCall(BpfkeeperInterface.PIN).toString())
                .isEqualTo("{\"kind\":\"map\",\"id\":42,\"path\":\"demo/counters\"}");
        assertThat(result.out()).isEqualTo("/sys/fs/bpf/demo/counters\n");
    }

    @Test
    void unpinAndReleaseSayNothingOnSuccessAndAnEmptyReplyWithJson() throws Exception {
        daemon.answer(BpfkeeperInterface.UNPIN, "{}").answer(BpfkeeperInterface.RELEASE, "{}");

        assertThat(bpfkeeper("unpin", "map", "42", "demo/counters")).isEqualTo(new Result(0, "", ""));
        assertThat(bpfkeeper("release", "prog", "17", "--json")).isEqualTo(new Result(0, "{}\n", ""));
        assertThat(daemon.nextCall(BpfkeeperInterface.UNPIN).toString())
                .isEqualTo("{\"kind\":\"map\",\"id\":42,\"path\":\"demo/counters\"}");
        assertThat(daemon.nextCall(BpfkeeperInterface.RELEASE).toString())
                .isEqualTo("{\"kind\":\"program\",\"id\":17}");
    }

    @Test
    void releasesTheCallersGroupOrForRootAnotherUidsGroup() throws Exception {
        daemon.answer(BpfkeeperInterface.RELEASE, "{}").answer(BpfkeeperInterface.RELEASE, "{}");

        assertThat(bpfkeeper("release", "--group", "counter-17")).isEqualTo(new Result(0, "", ""));
        assertThat(bpfkeeper("release", "--group", "counter-18", "--group-owner", "1000"))
                .isEqualTo(new Result(0, "", ""));
        assertThat(daemon.nextCall(BpfkeeperInterface.RELEASE).toString()).isEqualTo("{\"group\":\"counter-17\"}");
        assertThat(daemon.nextCall(BpfkeeperInterface.RELEASE).toString())
                .isEqualTo("{\"group\":\"counter-18\",\"groupOwner\":1000}");
        assertThat(bpfkeeper("release", "map", "42", "--group-owner", "1000").exitCode()).isEqualTo(2);
    }

    @Test
    void adoptsByPathWithLifetimeAndLabels() throws Exception {
        daemon.answer(BpfkeeperInterface.ADOPT, "{\"object\":" + MAP_OBJECT + "}");

        Result result = bpfkeeper("adopt", "--path", "counters", "--lifetime", "session", "--label", "app=demo");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("kind:");
        assertThat(daemon.nextCall(BpfkeeperInterface.ADOPT).toString())
                .isEqualTo("{\"path\":\"counters\",\"lifetime\":\"session\",\"labels\":{\"app\":\"demo\"}}");
    }

    @Test
    void adoptsByKindAndId() throws Exception {
        daemon.answer(BpfkeeperInterface.ADOPT, "{\"object\":" + PROGRAM_OBJECT + "}");

        bpfkeeper("adopt", "prog", "17");

        assertThat(daemon.nextCall(BpfkeeperInterface.ADOPT).toString()).isEqualTo("{\"kind\":\"program\",\"id\":17}");
    }

    @Test
    void adoptRefusesBothAPathAndAnId() {
        Result result = bpfkeeper("adopt", "--path", "counters", "map", "42");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("bpfkeeper: --path=PATH and [KIND ID] are mutually exclusive");
        assertThat(daemon.receivedNoCall()).isTrue();
    }
}
